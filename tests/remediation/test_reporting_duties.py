"""Reporting duties: a progress update required every month or quarter, "no submission" shown and chased."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Incident
from compliance.models import AccessLogEntry
from remediation.models import Implementation, ProgressUpdate
from remediation.reporting import first_period, period_of, reporting_of
from remediation.services.reminders import reminder_sweep
from remediation.services.reporting_duties import reporting_duty_set
from tests.clock import on_day
from tests.conftest import signed_in, submit_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _on_today():
    """These tests draw their data and their expectations on TODAY: the whole test runs on that day."""
    with on_day(TODAY):
        yield


def test_periods_are_calendar_months_and_quarters():
    november = period_of("monthly", TODAY)
    assert (november.start, november.end, november.label) == (
        datetime.date(2026, 11, 1),
        datetime.date(2026, 11, 30),
        "2026-11",
    )
    q4 = period_of("quarterly", TODAY)
    assert (q4.start, q4.end, q4.label) == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31), "2026-Q4")
    assert period_of("monthly", datetime.date(2026, 12, 31)).end == datetime.date(2026, 12, 31)
    assert period_of("quarterly", datetime.date(2027, 2, 28)).label == "2027-Q1"
    # The duty counts from the first whole period: nobody owes an update for a period half gone.
    assert first_period("monthly", datetime.date(2026, 8, 15)).label == "2026-09"
    assert first_period("monthly", datetime.date(2026, 9, 1)).label == "2026-09"
    assert first_period("quarterly", datetime.date(2026, 8, 15)).label == "2026-Q4"


def implementation_with_duty(code: str = "okinawa", every: str = "monthly", since=datetime.date(2026, 8, 15)):
    item = Implementation.objects.filter(company__code=code).exclude(status="done").order_by("pk").first()
    Implementation.objects.filter(pk=item.pk).update(reporting_every=every, reporting_since=since)
    item.refresh_from_db()
    return item


@pytest.mark.parametrize(
    ("last_update_on", "state", "missed_since"),
    [
        (None, "no_submission", "2026-09"),  # nothing since the duty began in September
        (datetime.date(2026, 9, 20), "no_submission", "2026-10"),  # September's came, October's did not
        (datetime.date(2026, 10, 5), "due", None),  # October's came; November's is due by the 30th
        (datetime.date(2026, 11, 3), "submitted", None),
    ],
)
def test_where_a_company_stands(case, last_update_on, state, missed_since):
    item = implementation_with_duty()
    standing = reporting_of(item, item.company_id, last_update_on, TODAY)
    assert standing.state == state
    assert (standing.missed_since.label if standing.missed_since else None) == missed_since
    assert standing.current.label == "2026-11"


def test_before_the_first_period_the_duty_has_not_started(case):
    item = implementation_with_duty(since=datetime.date(2026, 11, 10))
    assert reporting_of(item, item.company_id, None, TODAY).state == "upcoming"


def test_a_closed_item_owes_nothing(case):
    item = implementation_with_duty()
    item.status = "done"
    assert reporting_of(item, item.company_id, None, TODAY) is None


def submitted_on(update: ProgressUpdate, day: datetime.date) -> None:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    ProgressUpdate.objects.filter(pk=update.pk).update(submitted_at=moment)


def test_no_submission_is_chased_like_an_overdue_item_until_an_update_arrives(case, officers, regulator_staff):
    item = implementation_with_duty()
    result = reminder_sweep(today=TODAY)
    [missing] = [r for r in result.reminders if r.implementation_id == item.pk and r.rule == "no_submission"]
    # Missed since September: overdue since 30 September, so regulator staff hear of it too.
    assert missing.period.startswith("2026-09-30:") and missing.escalation == 2
    assert regulator_staff in missing.recipients.all()
    a_week_on = reminder_sweep(today=TODAY + datetime.timedelta(days=7)).reminders
    assert [r.period for r in a_week_on if r.implementation_id == item.pk and r.rule == "no_submission"] == [
        "2026-09-30:+63"
    ]

    update = submit_update(officers["okinawa"], item=item)
    submitted_on(update, TODAY + datetime.timedelta(days=8))
    later = reminder_sweep(today=TODAY + datetime.timedelta(days=9)).reminders
    assert not [r for r in later if r.implementation_id == item.pk and r.rule == "no_submission"]


def test_a_reminder_before_the_period_ends_when_nothing_was_sent_yet(case, officers):
    item = implementation_with_duty()
    update = submit_update(officers["okinawa"], item=item)
    submitted_on(update, datetime.date(2026, 10, 20))
    result = reminder_sweep(today=datetime.date(2026, 11, 23))  # seven days before 30 November
    [due] = [r for r in result.reminders if r.implementation_id == item.pk and r.rule == "reporting_due"]
    assert due.period == "2026-11-30:-7" and not due.late
    submitted_on(update, datetime.date(2026, 11, 24))
    later = reminder_sweep(today=datetime.date(2026, 11, 24)).reminders
    assert not [r for r in later if r.implementation_id == item.pk and r.rule in ("reporting_due", "no_submission")]


def test_each_company_of_an_incident_owes_its_own_update(case, officers, regulator_staff):
    investigation = Incident.objects.get(pair__group__code="kansai", label="ア")
    Incident.objects.filter(pk=investigation.pk).update(
        reporting_every="monthly", reporting_since=datetime.date(2026, 10, 1)
    )
    investigation.refresh_from_db()
    update = submit_update(officers["kansai-retail"], item=investigation)
    submitted_on(update, datetime.date(2026, 11, 2))
    chased = {
        r.company.code
        for r in reminder_sweep(today=TODAY).reminders
        if r.incident_id == investigation.pk and r.rule in ("no_submission", "reporting_due")
    }
    assert chased == {"kansai-td"}
    # Each side of the wall sees its own standing only; the regulator sees both.
    for code, expected in [("kansai-td", "No submission"), ("kansai-retail", "Submitted for this period")]:
        page = signed_in(officers[code], second_factor=False).get(
            investigation.get_tracking_url(), HTTP_ACCEPT_LANGUAGE="en"
        )
        text = page.content.decode()
        other = {"kansai-td": "Submitted for this period", "kansai-retail": "No submission"}[code]
        assert expected in text and other not in text, code
    regulator_page = signed_in(regulator_staff).get(investigation.get_tracking_url()).content.decode()
    assert "reporting-no_submission" in regulator_page and "reporting-submitted" in regulator_page


def test_regulator_staff_set_the_duty_on_the_item_page(case, officers, regulator_client):
    item = Implementation.objects.filter(company__code="okinawa").exclude(status="done").order_by("pk").first()
    url = reverse("remediation:reporting_duty_set", args=["implementation", item.pk])
    response = regulator_client.post(url, {"version": item.version, "every": "quarterly", "since": "2026-11-25"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.reporting_every, item.reporting_since, item.version) == ("quarterly", TODAY, 2)
    # A stale version and an unknown cadence are refused and change nothing.
    assert regulator_client.post(url, {"version": 1, "every": "monthly"}).status_code == 409
    assert regulator_client.post(url, {"version": 2, "every": "weekly"}).status_code == 400
    assert regulator_client.post(url, {"version": 2, "every": ""}).status_code == 302
    item.refresh_from_db()
    assert (item.reporting_every, item.reporting_since, item.version) == ("", None, 3)


def test_officers_cannot_set_a_duty(case, officers):
    item = Implementation.objects.filter(company__code="okinawa").exclude(status="done").order_by("pk").first()
    client = signed_in(officers["okinawa"], second_factor=False)
    denied = AccessLogEntry.objects.filter(user=officers["okinawa"], action="denied")
    url = reverse("remediation:reporting_duty_set", args=["implementation", item.pk])
    assert client.post(url, {"version": item.version, "every": "monthly"}).status_code == 404
    api = reverse("api:implementation-reporting-duty", args=[item.pk])
    response = client.put(api, {"every": "monthly"}, content_type="application/json", HTTP_IF_MATCH=item.etag)
    assert response.status_code == 404
    assert denied.count() == 2
    item.refresh_from_db()
    assert item.reporting_every == "" and item.version == 1


def test_my_items_shows_no_submission_to_the_company_only(case, officers):
    item = implementation_with_duty()
    own = signed_in(officers["okinawa"], second_factor=False).get(reverse("remediation:my_items"))
    assert "reporting-no_submission" in own.content.decode()
    # Another company, even one that sees the published measure, never sees the standing.
    for code in ("kyushu-td", "okinawa"):
        page = signed_in(officers[code], second_factor=False).get(item.get_tracking_url()).content.decode()
        assert ("reporting-no_submission" in page) == (code == "okinawa"), code
    open_items = signed_in(officers["kyushu-td"], second_factor=False).get(
        reverse("remediation:open_item_list", args=[case.code])
    )
    assert "reporting-" not in open_items.content.decode()


def test_the_api_shows_the_duty_to_the_company_and_the_regulator_and_lets_the_regulator_set_it(
    case, officers, regulator_client
):
    item = implementation_with_duty()
    detail = reverse("api:implementation-detail", args=[item.pk])
    own = signed_in(officers["okinawa"], second_factor=False).get(detail).json()["reporting_duty"]
    assert own["every"] == "monthly" and own["standings"][0]["state"] == "no_submission"
    assert own["standings"][0]["missed_since"] == "2026-09"
    assert signed_in(officers["kyushu-td"], second_factor=False).get(detail).json()["reporting_duty"] is None
    listing = regulator_client.get(reverse("api:implementation-list"), {"company__code": "okinawa"}).json()
    assert [row["reporting_duty"]["every"] for row in listing["results"] if row["id"] == item.pk] == ["monthly"]

    url = reverse("api:implementation-reporting-duty", args=[item.pk])
    assert regulator_client.put(url, {"every": "quarterly"}, content_type="application/json").status_code == 428
    response = regulator_client.put(
        url, {"every": "quarterly", "since": "2026-10-01"}, content_type="application/json", HTTP_IF_MATCH=item.etag
    )
    assert response.status_code == 200, response.content
    assert response.json()["reporting_duty"]["every"] == "quarterly"
    assert response.headers["ETag"] == f'"{item.version + 1}"'
    stale = regulator_client.put(url, {"every": ""}, content_type="application/json", HTTP_IF_MATCH=item.etag)
    assert stale.status_code == 412


def test_the_implementation_list_computes_standings_in_a_fixed_number_of_queries(
    case, officers, regulator_client, django_assert_max_num_queries
):
    Implementation.objects.update(reporting_every="monthly", reporting_since=datetime.date(2026, 8, 1))
    url = reverse("api:implementation-list")
    regulator_client.get(url, {"page_size": 5})
    with django_assert_max_num_queries(12) as few:
        regulator_client.get(url, {"page_size": 5})
    with django_assert_max_num_queries(len(few.captured_queries)):
        regulator_client.get(url, {"page_size": 60})


def test_a_done_item_cannot_be_given_a_duty(case, regulator_staff):
    from django.core.exceptions import ValidationError

    item = Implementation.objects.filter(status="done").order_by("pk").first()
    with pytest.raises(ValidationError):
        reporting_duty_set(actor=regulator_staff, item=item, item_version=item.version, every="monthly")
    item.refresh_from_db()
    assert item.reporting_every == "" and item.version == 1
