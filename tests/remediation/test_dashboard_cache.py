"""The dashboard from the cache: the same page while nothing changes, recomputed after any write to its sources.

The counter's triggers fire at commit; a test never commits, so each test here makes them fire at the end of
each statement instead (SET CONSTRAINTS ALL IMMEDIATE), which is what a commit does for them.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from compliance.models import AccessLogEntry
from remediation.dashboard_cache import SOURCES, changes_counter
from remediation.models import Implementation
from tests.access_log import records_read
from tests.conftest import submit_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


@pytest.fixture
def cached(settings):
    settings.DASHBOARD_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def fire_at_once() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def dashboard(client) -> str:
    """The dashboard's main content (the page around it carries a new CSRF token each time)."""
    page = client.get(reverse("remediation:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    return page[page.index("<main") : page.index("</main>")]


def test_a_second_view_comes_from_the_cache_in_two_queries_more_than_the_page_itself(
    case, cached, regulator_client, django_assert_max_num_queries
):
    first = dashboard(regulator_client)
    with django_assert_max_num_queries(8):  # session, person, device, counter, and the access log
        second = dashboard(regulator_client)
    assert second == first


def test_any_write_to_a_source_table_is_seen_on_the_next_view(case, cached, regulator_client):
    fire_at_once()
    before = dashboard(regulator_client)
    item = Implementation.objects.filter(status="in_progress").first()
    Implementation.objects.filter(pk=item.pk).update(status="done")  # a bulk update: no signal, still counted
    after = dashboard(regulator_client)
    assert after != before
    with connection.cursor() as cursor:  # and a write outside the ORM
        cursor.execute("UPDATE remediation_implementation SET status = 'in_progress' WHERE id = %s", [item.pk])
    assert dashboard(regulator_client) == before


def test_the_counter_moves_at_commit_not_before(case):
    counter = changes_counter()
    Implementation.objects.filter(status="done").update(status="done")
    assert changes_counter() == counter  # written, not yet committed: the figures of before stay true
    fire_at_once()  # what a commit does to the deferred triggers
    assert changes_counter() > counter


def test_every_source_table_carries_the_trigger(db):
    from django.apps import apps

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE 'pgtrigger_dashboard_changes_%%'"
        )
        tables = {row[0] for row in cursor.fetchall()}
    assert tables == {apps.get_model(label)._meta.db_table for label in SOURCES}


def test_writes_elsewhere_keep_the_cache(case, cached, officers, regulator_client):
    fire_at_once()
    dashboard(regulator_client)
    counter = changes_counter()
    regulator_client.get(reverse("cases:case_list"))  # logs, sessions: not the dashboard's sources
    assert changes_counter() == counter


def test_each_language_and_each_day_has_its_own_copy(case, cached, regulator_client):
    english = dashboard(regulator_client)
    regulator_client.cookies.load({"django_language": "ja"})
    japanese = dashboard(regulator_client)
    assert "Dashboard" in english and "ダッシュボード" in japanese


def test_private_records_shown_from_the_cache_are_logged_on_every_view(case, cached, officers, regulator_client):
    fire_at_once()
    submit_update(officers["okinawa"])  # waits for review: shown in the queue, a private record
    dashboard(regulator_client)
    logged = AccessLogEntry.objects.order_by("-id").first().pk
    dashboard(regulator_client)  # from the cache
    assert records_read(AccessLogEntry.objects.filter(pk__gt=logged), "remediation.progressupdate")
