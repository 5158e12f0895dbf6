"""Attempts that read no record leave an access-log entry too: OPTIONS, a method a URL does not allow, the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse
from knox.models import AuthToken

from compliance.models import AccessLogEntry
from tests.conftest import submit_update

pytestmark = pytest.mark.django_db


def new_entries(person, since: int) -> list[tuple[str, str, str, str, str]]:
    entries = AccessLogEntry.objects.filter(user=person, id__gt=since).order_by("id")
    return list(entries.values_list("action", "object_type", "object_id", "method", "path"))


def last_id() -> int:
    return AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def others_update(officers):
    """A progress update of another company than the officer's of `officer_client` (Kansai T&D)."""
    return submit_update(officers["okinawa"])


@pytest.mark.parametrize(
    ("url", "view_name", "object_id"),
    [
        ("/api/v1/progress-updates/{pk}/", "api:progressupdate-detail", "pk={pk}"),
        ("/api/v1/progress-updates/", "api:progressupdate-list", ""),
        ("/reminders/", "remediation:reminder_list", ""),
    ],
)
def test_options_on_a_private_url_is_logged(officers, officer_client, others_update, url, view_name, object_id):
    officer, since = officers["kansai-td"], last_id()
    url, object_id = url.format(pk=others_update.pk), object_id.format(pk=others_update.pk)
    response = officer_client.options(url)
    assert response.status_code == 200
    assert new_entries(officer, since) == [("options", f"page:{view_name}", object_id, "OPTIONS", url)]


def test_options_through_an_api_token_is_logged_for_the_tokens_person(officers, client, others_update):
    officer, since = officers["kansai-td"], last_id()
    _token, key = AuthToken.objects.create(officer)
    url = reverse("api:progressupdate-detail", args=[others_update.pk])
    assert client.options(url, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert [entry[:2] for entry in new_entries(officer, since)] == [("options", "page:api:progressupdate-detail")]


def test_options_that_reads_a_record_is_logged_once(officers, officer_client):
    """A page that looks its record up on any method logs that read already: no second entry for the same request."""
    own = submit_update(officers["kansai-td"])
    since = last_id()
    assert officer_client.options(own.get_absolute_url()).status_code == 200
    entries = new_entries(officers["kansai-td"], since)
    assert [(action, method) for action, _type, _id, method, _path in entries] == [("read", "OPTIONS")]


@pytest.mark.parametrize(
    ("method", "url", "view_name", "object_id"),
    [
        ("delete", "/api/v1/progress-updates/{pk}/", "api:progressupdate-detail", "pk={pk}"),
        ("put", "/api/v1/progress-updates/{pk}/", "api:progressupdate-detail", "pk={pk}"),
        ("post", "/api/v1/cases/ppc-2024-utilities/", "api:case-detail", "code=ppc-2024-utilities"),
    ],
)
def test_a_method_a_private_url_does_not_allow_is_logged(
    officers, officer_client, others_update, method, url, view_name, object_id
):
    officer, since = officers["kansai-td"], last_id()
    url, object_id = url.format(pk=others_update.pk), object_id.format(pk=others_update.pk)
    response = getattr(officer_client, method)(url, content_type="application/json")
    assert response.status_code == 405
    assert new_entries(officer, since) == [("denied", f"page:{view_name}", object_id, method.upper(), url)]


def test_a_method_a_regulators_page_does_not_allow_is_logged(regulator_staff, regulator_client, others_update):
    """The regulator passes the page's own check, and meets the method's: a GET on a form that takes POST only."""
    since = last_id()
    url = reverse("remediation:progress_update_review", args=[others_update.pk])
    assert regulator_client.get(url).status_code == 405
    entries = new_entries(regulator_staff, since)
    assert entries == [("denied", "page:remediation:progress_update_review", f"pk={others_update.pk}", "GET", url)]


@pytest.mark.parametrize("url", ["/admin/", "/admin/remediation/progressupdate/", "/admin/compliance/user/1/change/"])
def test_an_officer_in_the_admin_is_logged(officers, officer_client, url):
    officer, since = officers["kansai-td"], last_id()
    response = officer_client.get(url)
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    entries = new_entries(officer, since)
    assert len(entries) == 1 and entries[0][0] == "denied" and entries[0][1].startswith("page:admin:")
    assert entries[0][3:] == ("GET", url)


def test_the_admin_logs_nothing_of_its_own_administrators(regulator_admin, admin_client):
    since = last_id()
    assert admin_client.get("/admin/").status_code == 200
    assert admin_client.options("/admin/").status_code == 200
    assert [entry[0] for entry in new_entries(regulator_admin, since)] == ["options"]


def test_requests_that_are_allowed_log_no_attempt(officers, officer_client, others_update):
    officer, since = officers["kansai-td"], last_id()
    assert officer_client.get("/api/v1/cases/").status_code == 200
    assert officer_client.get(reverse("remediation:reminder_list")).status_code == 200
    assert [entry[0] for entry in new_entries(officer, since)] == []


def test_signed_out_visitors_are_not_logged(client, others_update):
    since = last_id()
    assert client.options(f"/api/v1/progress-updates/{others_update.pk}/").status_code in (401, 403)
    assert client.get("/admin/").status_code == 302
    assert client.options("/public/").status_code == 200
    assert not AccessLogEntry.objects.filter(id__gt=since).exists()
