"""The regulator's dashboard and the officer's home: figures that match the records, in a fixed number of queries."""

import datetime
import re

import pytest
from django.urls import reverse

from cases.models import Finding, Incident, SafeguardType
from compliance import clock
from compliance.models import Company
from remediation.dashboard import heat_map, monthly_trends, overdue_ages, status_counts, time_to_close
from remediation.models import DailyCount, Implementation, Measure
from remediation.services.daily_counts import daily_counts_take
from remediation.services.progress_updates import progress_update_accept
from remediation.services.reminders import reminder_sweep
from tests.clock import on_day
from tests.conftest import signed_in, submit_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _on_today():
    """These tests draw their data and their expectations on TODAY: the whole test runs on that day."""
    with on_day(TODAY):
        yield


SPLIT_OPERATORS = {"tohoku-td", "chubu-td", "hokuriku-td", "kansai-td", "chugoku-td", "okinawa"}


def test_the_counts_by_status_match_the_records(case, regulator_staff):
    counts = status_counts(user=regulator_staff)
    implementations = {row["status"]: row["count"] for row in counts["implementations"]}
    assert implementations["done"] == Implementation.objects.filter(status="done").count()
    assert sum(implementations.values()) == 65
    incidents = {row["status"]: row["count"] for row in counts["incidents"]}
    assert sum(incidents.values()) == 23  # the report's total, described or not


def test_the_heat_map_gives_each_companys_share_done_per_safeguard_type(case, regulator_staff):
    grid = heat_map(user=regulator_staff)
    company, kind = Company.objects.get(code="chugoku-td"), SafeguardType.objects.get(code="contractor_supervision")
    row = next(r for r in grid["rows"] if r["company"] == company)
    cell = next(c for c in row["cells"] if c["type"] == kind)
    expected = Implementation.objects.filter(company=company, measure__safeguard_type=kind)
    assert (cell["cell"]["done"], cell["cell"]["total"]) == (expected.filter(status="done").count(), expected.count())
    assert cell["share"] == round(100 * cell["cell"]["done"] / cell["cell"]["total"])


def test_the_page_shows_the_split_windows_and_links_every_figure(case, regulator_client):
    page = regulator_client.get(reverse("remediation:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    split = Implementation.objects.filter(measure__kind="project").select_related("company")
    assert {i.company.code for i in split} == SPLIT_OPERATORS
    for item in split:
        assert f'href="{item.get_tracking_url()}"' in page  # each window links to its item
    assert 'class="chart" data-chart="bars"' in page and "vendor/echarts/echarts.min.js" in page
    # The incidents by pair: Kansai's pair (2) marks the incidents where data was used.
    used = Incident.objects.filter(pair__number=2, was_used=True).count()
    assert re.search(rf"\(2\).*?⚠ {used}", page, re.S) if used else True
    heat_links = re.findall(r'href="(/implementations/\?company=[^"]+)"', page)
    assert heat_links, "heat-map cells link to the implementations behind them"


def test_officers_cannot_open_the_dashboard(case, officers):
    assert signed_in(officers["okinawa"], second_factor=False).get(reverse("remediation:dashboard")).status_code == 404


def test_the_dashboard_issues_a_fixed_number_of_queries(case, officers, regulator_client, django_assert_num_queries):
    url = reverse("remediation:dashboard")
    submit_update(officers["okinawa"])  # a private row to show (and log) in the review queue
    daily_counts_take(day=TODAY - datetime.timedelta(days=70))  # a snapshot for the trends
    regulator_client.get(url)
    with django_assert_num_queries(37) as before:  # + the cases of the case selector
        regulator_client.get(url)
    # Ten times the measures, with due dates and windows, updates waiting for review, snapshots: same count.
    finding = Finding.objects.get(code="td-1")
    technical = SafeguardType.objects.get(code="technical")
    measures = Measure.objects.bulk_create(
        Measure(
            finding=finding, code=f"many-{n}", safeguard_type=technical, kind="standing", text_ja="多", position=99 + n
        )
        for n in range(40)
    )
    companies = list(Company.objects.exclude(kind="contractor"))
    Implementation.objects.bulk_create(
        Implementation(
            measure=m, company=c, status="in_progress", due_on=TODAY + datetime.timedelta(days=n % 200 - 100)
        )
        for n, (m, c) in enumerate((m, c) for m in measures for c in companies)
    )
    daily_counts_take(day=TODAY - datetime.timedelta(days=40))
    daily_counts_take(day=TODAY)
    for code in ("chubu-td", "kansai-td", "kyushu-td"):
        submit_update(officers[code])
    with django_assert_num_queries(len(before.captured_queries)):
        response = regulator_client.get(url)
    assert response.status_code == 200


def test_trends_take_the_last_snapshot_of_each_month(case, regulator_staff):
    daily_counts_take(day=datetime.date(2026, 10, 15))
    daily_counts_take(day=datetime.date(2026, 10, 31))
    item = Implementation.objects.filter(status="in_progress").first()
    Implementation.objects.filter(pk=item.pk).update(status="done")
    daily_counts_take(day=datetime.date(2026, 11, 25))
    assert daily_counts_take(day=datetime.date(2026, 11, 25)) > 0  # taken again: replaced, not doubled
    trends = monthly_trends(user=regulator_staff)
    assert trends["months"] == ["2026-10", "2026-11"]
    october, november = trends["by_status"]["done"]
    assert november == october + 1
    assert DailyCount.objects.filter(day=datetime.date(2026, 11, 25)).values("item_kind").distinct().count() == 2


def test_overdue_ages_and_time_to_close(case, officers, regulator_staff):
    item = Implementation.objects.filter(company__code="okinawa", status="in_progress").first()
    Implementation.objects.filter(pk=item.pk).update(due_on=clock.today() - datetime.timedelta(days=45))
    buckets = {(b["from"], b["to"]): b["count"] for b in overdue_ages(user=regulator_staff, today=clock.today())}
    assert buckets[(30, 90)] >= 1
    update = submit_update(officers["okinawa"], item=item, status="done")
    progress_update_accept(actor=regulator_staff, update=update, update_version=update.version)
    [row] = time_to_close(user=regulator_staff)
    assert row["company"].code == "okinawa" and row["count"] == 1


def test_the_officers_home_lists_next_dates_requests_and_reminders_received(case, officers):
    officer = officers["okinawa"]
    reminder_sweep(today=TODAY)
    client = signed_in(officer, second_factor=False)
    page = client.get(reverse("remediation:my_items"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    split = Implementation.objects.get(company__code="okinawa", measure__kind="project")
    assert f"{split.get_tracking_url()}#report-heading" in page  # the button to submit an update
    assert "Reminders you received" in page and "Status request inside the window" in page
    other = signed_in(officers["kyushu-td"], second_factor=False).get(reverse("remediation:my_items")).content.decode()
    assert split.get_tracking_url() not in other


@pytest.mark.parametrize(
    ("who", "lands_on"),
    [("regulator", "remediation:dashboard"), ("officer", "remediation:my_items")],
)
def test_each_person_lands_on_their_home(case, officers, regulator_client, who, lands_on):
    client = regulator_client if who == "regulator" else signed_in(officers["okinawa"], second_factor=False)
    response = client.get(reverse("remediation:home"))
    assert response.status_code == 302 and response.url == reverse(lands_on)
