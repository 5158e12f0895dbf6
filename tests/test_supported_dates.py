"""One rule for dates: 1873-01-01 (Japan's first Gregorian day) to 2100-12-31, whichever way a date comes in.

The API, the forms and case files refuse a date outside it, saying so, and save nothing; and every page, export, feed
and report still shows any date already stored (before 1873: a plain Gregorian date, with no era).
"""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
import yaml
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cases.models import Case, Incident, RegulatoryAction, ReportDraft
from cases.report_format import CaseFileError, parse_case_text
from compliance.models import ChangeEvent
from compliance.validators import FIRST_DATE, LAST_DATE, validate_supported_date
from remediation.calendar import Event, calendar_feed_issue, event_lines
from remediation.case_files import case_file_export
from remediation.models import DeadlineChange, Implementation, ProgressUpdate, Reminder
from remediation.reporting import first_period, period_of
from remediation.reports import report_draft_create
from tests.conftest import signed_in, submit_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
API = "/api/v1"
OUTSIDE = ["1800-01-01", "1872-12-31", "2101-01-01"]
MESSAGE = "Enter a date from 1873-01-01 to 2100-12-31."
MESSAGE_JA = "1873-01-01から2100-12-31までの日付を入力してください。"


# The rule ------------------------------------------------------------------------------------------------------------


def test_the_range_is_inclusive_and_its_refusal_names_it():
    for day in (FIRST_DATE, LAST_DATE, datetime.date(2026, 11, 25)):
        validate_supported_date(day)
    for day in (FIRST_DATE - datetime.timedelta(days=1), LAST_DATE + datetime.timedelta(days=1), datetime.date.min):
        with pytest.raises(ValidationError) as refused, translation.override("en"):
            validate_supported_date(day)
            assert refused.value.messages == [MESSAGE]


def test_every_date_field_of_every_model_holds_the_rule():
    fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in {"compliance", "cases", "remediation"}
        for field in model._meta.get_fields()
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
        and validate_supported_date not in field.validators
    ]  # fmt: skip
    assert fields == []


# Refused on the way in, nothing saved --------------------------------------------------------------------------------


def changes() -> int:
    return ChangeEvent.objects.count()


@pytest.fixture
def open_item(officers) -> Implementation:
    return Implementation.objects.filter(company__code="okinawa", window_end=None).exclude(status="done").first()


def api_writes(case: Case, item: Implementation, day: str) -> list[tuple[str, str, str, dict, str]]:
    """(who, method, URL, body, the field refused) for writes carrying a date, by the regulator and by an officer."""
    opened = {"code": "old-case", "title_ja": "古い事案", "title_en": "", "summary_ja": "", "summary_en": ""}
    item_url = f"{API}/implementations/{item.pk}/"
    return [
        ("regulator", "post", f"{API}/cases/", {**opened, "status": "open", "opened_on": day}, "opened_on"),
        ("regulator", "patch", f"{API}/cases/{case.code}/", {"opened_on": day}, "opened_on"),
        ("regulator", "patch", f"{API}/cases/{case.code}/", {"status": "closed", "closed_on": day}, "closed_on"),
        ("regulator", "patch", item_url, {"due_on": day}, "due_on"),
        ("regulator", "put", f"{item_url}reporting-duty/", {"every": "monthly", "since": day}, "since"),
        (
            "officer",
            "post",
            f"{API}/progress-updates/",
            {"implementation": item.pk, "status": "in_progress", "narrative": "x", "next_milestone_on": day},
            "next_milestone_on",
        ),
        (
            "officer",
            "post",
            f"{API}/deadline-changes/",
            {"implementation": item.pk, "proposed": day, "reason": "x"},
            "proposed",
        ),
    ]


@pytest.mark.parametrize("day", OUTSIDE)
def test_the_api_refuses_a_date_outside_the_range(case, officers, regulator_client, open_item, day):
    clients = {"regulator": regulator_client, "officer": signed_in(officers["okinawa"], second_factor=False)}
    before = changes()
    for who, method, url, body, field in api_writes(case, open_item, day):
        response = getattr(clients[who], method)(
            url, body, content_type="application/json", HTTP_IF_MATCH=open_item.etag, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 400, (url, response.content)
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["errors"][field] == [MESSAGE], url
    assert changes() == before and not Case.objects.filter(code="old-case").exists()


@pytest.mark.parametrize("day", ["1800-01-01", "2101-01-01", "慶応3年1月1日"])
def test_the_case_form_refuses_a_date_outside_the_range(regulator_client, day):
    data = {"code": "old-case", "title_ja": "古い事案", "status": "open", "opened_on": day}
    before = changes()
    response = regulator_client.post(reverse("cases:case_open"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["opened_on"]
    assert changes() == before and not Case.objects.filter(code="old-case").exists()


@pytest.mark.parametrize("day", ["1800-01-01", "2101-01-01"])
def test_the_pages_forms_refuse_it_in_japanese(case, officers, open_item, regulator_client, day):
    before = changes()
    opened = {"code": "old-case", "title_ja": "古い事案", "status": "open", "opened_on": day}
    page = regulator_client.post(reverse("cases:case_open"), opened)
    assert MESSAGE_JA in page.content.decode()
    officer = signed_in(officers["okinawa"], second_factor=False)
    update = {"version": open_item.version, "status": "in_progress", "narrative": "x", "next_milestone_on": day}
    page = officer.post(reverse("remediation:progress_update_submit", args=["implementation", open_item.pk]), update)
    assert page.status_code == 400 and MESSAGE_JA in page.content.decode()
    dates = {"version": open_item.version, "due_on": day}
    page = regulator_client.post(reverse("remediation:item_dates_set", args=["implementation", open_item.pk]), dates)
    assert MESSAGE_JA in page.content.decode()
    assert changes() == before


def case_file(case: Case, where: str, day: str) -> str:
    """The case's file as a new case, with one date (the case's opening, an action's, an item's) set to `day`."""
    document = yaml.safe_load(case_file_export(case=case))
    document["case"]["code"] = "old-case"
    document["source"] = None  # a new case quotes no published text
    if where == "case":
        document["case"]["opened_on"] = day
    elif where == "action":
        document["regulatory_actions"][0]["date"] = day
    else:
        document["findings"][0]["measures"][0]["implementations"][0]["due_on"] = day
        document["findings"][0]["measures"][0]["implementations"][0]["window"] = None
    return yaml.safe_dump(document, allow_unicode=True)


@pytest.mark.parametrize("day", ["1800-01-01", "2101-01-01"])
@pytest.mark.parametrize("where", ["case", "action", "item"])
def test_a_case_file_with_a_date_outside_the_range_is_refused_whole(case, regulator_client, where, day):
    text = case_file(case, where, day)
    with pytest.raises(CaseFileError) as refused, translation.override("en"):
        parse_case_text(text)
    assert [problem.reason for problem in refused.value.problems] == [MESSAGE]
    before = changes()
    response = regulator_client.post(f"{API}/cases/import/", text.encode(), content_type="application/yaml")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    reasons = [reason for fields in response.json()["errors"].values() for r in fields.values() for reason in r]
    assert reasons == [MESSAGE_JA]
    page = regulator_client.post(
        reverse("remediation:case_file_import"), {"file": SimpleUploadedFile("old.yaml", text.encode())}
    )
    assert page.status_code == 200 and MESSAGE_JA in page.content.decode()
    assert changes() == before and not Case.objects.filter(code="old-case").exists()


# Any stored date is still shown ----------------------------------------------------------------------------------


def stored(model: type[models.Model], pk: int, **values: str | None) -> None:
    """Write values straight to the table, as data stored before dates were checked (or by hand) would be."""
    columns = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in values)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {model._meta.db_table} SET {columns} WHERE id = %s", [*values.values(), pk])


@pytest.fixture
def old_dates(request, case, officers, regulator_staff) -> dict:
    """Every kind of date the pages show, stored as `request.param`; what the pages below need to reach them."""
    day = request.param
    officer = officers["okinawa"]
    update = submit_update(officer)
    draft = report_draft_create(actor=regulator_staff, case=case, as_of=datetime.date(2026, 11, 25))
    windowed = Implementation.objects.filter(company=officer.company, window_end__isnull=False).first()
    dated = Implementation.objects.filter(company=officer.company, window_end=None).exclude(status="done").first()
    incident = Incident.objects.filter(pair__case=case).first()
    change = DeadlineChange.objects.create(
        company=officer.company, implementation=dated, requested_by=officer, reason="x", proposed_due_on="2030-01-01"
    )
    reminder = Reminder.objects.create(
        company=officer.company, implementation=dated, rule="overdue", period="p", planned_for="2026-11-25"
    )
    stored(Case, case.pk, opened_on=day)
    stored(RegulatoryAction, RegulatoryAction.objects.filter(case=case).first().pk, date=day)
    window = {"window_start": day, "window_end": day, "baseline_window_start": day, "baseline_window_end": day}
    stored(Implementation, windowed.pk, tracked_since=day, **window)
    stored(Implementation, dated.pk, due_on=day, baseline_due_on=day, reporting_every="monthly", reporting_since=day)
    stored(Incident, incident.pk, due_on=day, window_start=None, window_end=None)
    stored(ProgressUpdate, update.pk, next_milestone_on=day)
    stored(DeadlineChange, change.pk, proposed_due_on=day, previous_due_on=day)
    stored(Reminder, reminder.pk, planned_for=day)
    stored(ReportDraft, draft.pk, as_of=day)
    return {"case": case, "items": [windowed, dated], "incident": incident, "update": update, "draft": draft}


def pages(old: dict, officer_feed: str, regulator_feed: str) -> list[tuple[str, str]]:
    """(who, URL) of every page, export, feed and report showing those dates."""
    case, draft = old["case"], old["draft"]
    lists = ["cases:case_list", "remediation:implementation_list", "remediation:progress_update_list"]
    lists += ["remediation:deadline_change_list", "remediation:reminder_list", "remediation:review_queue"]
    exports = [f"{reverse(name)}?format={fmt}" for name in lists for fmt in ("csv", "xlsx")]
    open_items = reverse("remediation:open_item_list", args=[case.code])
    items = [f"/items/implementation/{item.pk}/" for item in old["items"]] + [f"/items/incident/{old['incident'].pk}/"]
    return [
        *[("regulator", url) for url in ["/", "/public/", f"/public/{case.code}/", case.get_absolute_url()]],
        *[("regulator", url) for url in [open_items, f"{open_items}?format=xlsx", "/dashboard/", *items]],
        *[("regulator", reverse(name)) for name in lists],
        *[("regulator", url) for url in exports],
        ("regulator", f"/progress-updates/{old['update'].pk}/"),
        *[("regulator", url) for url in ["/reports/", f"/reports/{draft.pk}/", f"/reports/{draft.pk}/ja.pdf"]],
        ("regulator", f"/reports/{draft.pk}/en.pdf"),
        ("regulator", f"/calendar/{regulator_feed}.ics"),
        ("officer", f"/calendar/{officer_feed}.ics"),
        *[("officer", url) for url in ["/", "/my-items/", *items]],
        *[("regulator", f"{API}/{name}/") for name in ["cases", "implementations", "incidents", "reminders"]],
        *[("regulator", f"{API}/{name}/") for name in ["progress-updates", "deadline-changes"]],
        *[("regulator", f"{API}/implementations/{item.pk}/") for item in old["items"]],
        ("regulator", f"{API}/cases/{case.code}/export/"),
        ("admin", f"/admin/cases/case/{case.pk}/change/"),
        ("anonymous", "/public/"),
    ]


# Before 1873, and the first and last days Python knows (and the product accepted before dates were checked); in
# Japanese, where era dates are written, and once in English.
STORED = [("1800-01-01", "ja"), ("0001-01-01", "ja"), ("9999-12-31", "ja"), ("1800-01-01", "en")]


@pytest.mark.parametrize(("old_dates", "language"), STORED, indirect=["old_dates"])
def test_every_page_shows_any_stored_date(old_dates, officers, regulator_staff, regulator_admin, language):
    officer = officers["okinawa"]
    clients = {
        "regulator": signed_in(regulator_staff),
        "officer": signed_in(officer, second_factor=False),
        "admin": signed_in(regulator_admin),
        "anonymous": Client(),
    }
    feeds = calendar_feed_issue(actor=officer), calendar_feed_issue(actor=regulator_staff)
    for who, url in pages(old_dates, *feeds):
        client = clients[who]
        client.cookies["django_language"] = language
        response = client.get(url)
        assert response.status_code == 200, (who, url, response.status_code)


@pytest.mark.parametrize("old_dates", ["1800-01-01"], indirect=True)
def test_a_date_before_1873_reads_as_a_plain_gregorian_date(old_dates, regulator_client):
    case = old_dates["case"]
    page = regulator_client.get(case.get_absolute_url()).content.decode()
    assert '<time datetime="1800-01-01">1800-01-01</time>' in page
    assert '<time datetime="2024-03-06">2024-03-06（令和6年3月6日）</time>' in page
    workbook = regulator_client.get(reverse("cases:case_list"), {"format": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(workbook.content)).active.values)
    assert "1800-01-01" in rows[1]  # as text: Excel has no dates before 1900
    feed = regulator_client.get(f"/calendar/{calendar_feed_issue(actor=case.report_drafts.first().created_by)}.ics")
    assert "DTSTART;VALUE=DATE:18000101" in feed.content.decode()


def test_the_computations_behind_the_pages_reach_the_first_and_last_days_there_are():
    last, first = datetime.date.max, datetime.date.min
    assert period_of("monthly", last).end == last and period_of("quarterly", last).label == "9999-Q4"
    assert first_period("quarterly", datetime.date(9999, 11, 15)).end == last
    lines = event_lines(Event(uid="u", day=last, summary="s", description="d", url="u"), "stamp")
    assert "DTSTART;VALUE=DATE:99991231" in lines and not any(line.startswith("DTEND") for line in lines)
    lines = event_lines(Event(uid="u", day=first, summary="s", description="d", url="u"), "stamp")
    assert {"DTSTART;VALUE=DATE:00010101", "DTEND;VALUE=DATE:00010102"} <= set(lines)
