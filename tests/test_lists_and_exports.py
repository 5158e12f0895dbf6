"""List pages: filters and search narrow them (Japanese partial words too); each exports to CSV and Excel."""

from __future__ import annotations

import codecs
import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from cases.models import Incident
from compliance.exports import Column, cell, escape_formula, export_response
from compliance.models import AccessLogEntry, Company
from compliance.search import search
from remediation.models import DeadlineChange, Implementation, Measure, ProgressUpdate, Reminder
from tests.access_log import ids_read
from tests.conftest import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

CASE = "ppc-2024-utilities"
# Every list page, with the arguments of its URL.
LISTS = [
    ("cases:case_list", []),
    ("cases:finding_list", [CASE]),
    ("cases:incident_list", [CASE]),
    ("remediation:company_list", []),
    ("remediation:open_item_list", [CASE]),
    ("remediation:implementation_list", []),
    ("remediation:progress_update_list", []),
    ("remediation:deadline_change_list", []),
    ("remediation:reminder_list", []),
    ("remediation:review_queue", []),
    ("compliance:access_log_list", []),
    ("compliance:change_history_list", []),
    ("compliance:access_anomaly_list", []),
]
# The companies whose private records the tests below make, and look for in each other's exports.
MARKED = ["kansai-td", "kansai-retail", "okinawa"]


def url(name: str, args: list | None = None) -> str:
    return reverse(name, args=args or [])


def in_english(client: Client) -> Client:
    """The client with English pages and export headings (the headings the tests below read)."""
    client.cookies["django_language"] = "en"
    return client


def csv_rows(client: Client, address: str, **params: str) -> list[dict[str, str]]:
    """The CSV export of a list, as one dict per row keyed by the English headings."""
    response = client.get(address, {**params, "format": "csv"})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(codecs.BOM_UTF8)
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


@pytest.fixture
def marked(officers) -> dict[str, ProgressUpdate]:
    """For each marked company: a progress update, a deadline change and a reminder carrying its marker."""
    updates = {}
    for code in MARKED:
        officer = officers[code]
        item = Implementation.objects.filter(company=officer.company).order_by("pk").first()
        marker = f"MARKER-{code}-MARKER"
        updates[code] = ProgressUpdate.objects.create(
            company=officer.company, author=officer, implementation=item, status="in_progress", narrative=marker
        )
        DeadlineChange.objects.create(
            company=officer.company,
            implementation=item,
            requested_by=officer,
            reason=marker,
            proposed_due_on="2030-01-01",
        )
        Reminder.objects.create(
            company=officer.company, implementation=item, rule="overdue", period=marker, planned_for="2026-11-25"
        )
    return updates


# Every list filters, searches and exports ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "args"), LISTS)
def test_every_list_answers_with_a_search_and_exports_both_formats(regulator_client, marked, name, args):
    address = url(name, args)
    page = regulator_client.get(address, {"q": "電力 MARKER"})
    assert page.status_code == 200
    assert "format=csv" in page.content.decode() and "format=xlsx" in page.content.decode()
    assert csv_rows(regulator_client, address, q="電力") is not None
    xlsx = regulator_client.get(address, {"format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'attachment; filename="' in xlsx["Content-Disposition"]
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.max_row >= 1


def test_an_unknown_format_shows_the_page(regulator_client):
    response = regulator_client.get(url("remediation:company_list"), {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


# Search: Japanese partial words, NFKC on the query and the column -----------------------------------------


def test_a_japanese_partial_word_finds_companies_by_a_part_of_their_name(regulator_client):
    client = in_english(regulator_client)
    rows = csv_rows(client, url("remediation:company_list"), q="送配電")
    assert {row["Code"] for row in rows} == {"hokuriku-td", "kansai-td", "shikoku-td", "kyushu-td"}
    page = client.get(url("remediation:company_list"), {"q": "送配電"})
    assert {c.code for c in page.context["companies"]} == {"hokuriku-td", "kansai-td", "shikoku-td", "kyushu-td"}


def test_search_is_width_and_case_insensitive_and_leaves_the_stored_text_alone(regulator_client):
    client = in_english(regulator_client)
    address = url("remediation:company_list")
    # Full-width parentheses typed, ASCII stored: NFKC of the query.
    assert [row["Code"] for row in csv_rows(client, address, q="関西電力（株）")] == ["kansai-retail"]
    # Full-width Latin letters and the ideographic space: two terms, both must match.
    assert [row["Code"] for row in csv_rows(client, address, q="ＫＡＮＳＡＩ\u3000ｔｒａｎｓ")] == ["kansai-td"]
    assert Company.objects.get(code="kansai-retail").name_ja == "関西電力(株)"


def test_search_matches_full_width_text_in_the_data_with_what_people_type(case):
    # The report's text keeps its full-width parentheses; a search typed in ASCII still finds it.
    measure = Measure.objects.filter(text_ja__contains="（以下「本件システム」").first()
    assert measure is not None
    found = search(Measure.objects.all(), "(以下「本件システム」", ["text_ja"])
    assert measure in found
    assert "（以下" in Measure.objects.get(pk=measure.pk).text_ja


def test_a_japanese_partial_word_of_a_measure_narrows_the_implementations(regulator_client):
    client = in_english(regulator_client)
    everything = csv_rows(client, url("remediation:implementation_list"))
    rows = csv_rows(client, url("remediation:implementation_list"), q="物理的分")
    assert 0 < len(rows) < len(everything)
    assert all("物理的分" in row["Measure (Japanese)"] for row in rows)
    page = client.get(url("remediation:implementation_list"), {"q": "物理的分"})
    assert len(page.context["page"].object_list) == len(rows)


def test_trigram_indexes_serve_the_search(case):
    """The GIN indexes are built on the very expression the search compares."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            # A GIN index is read by bitmap scans only; without this the planner may walk the primary key.
            cursor.execute("SET LOCAL enable_indexscan = off")
        plan = search(Measure.objects.all(), "物理的分割", ["text_ja"]).explain()
        assert "search_remediation_measure_text_ja_trgm" in plan
        plan = search(Company.objects.all(), "送配電", ["name_ja"]).explain()
        assert "search_compliance_company_name_ja_trgm" in plan


# Filters narrow each list ----------------------------------------------------------------------------------


# Nothing of the loaded report is overdue on that day; the split's windows end in 2026-2031.
def test_implementation_filters_narrow_the_list(on_follow_up_day, regulator_client, case):
    client = in_english(regulator_client)
    address = url("remediation:implementation_list")
    total = Implementation.objects.count()
    assert len(csv_rows(client, address)) == total

    okinawa = csv_rows(client, address, company="okinawa")
    assert okinawa and len(okinawa) < total and {row["Company"] for row in okinawa} == {"沖縄電力(株)"}
    projects = csv_rows(client, address, kind="project")
    assert projects and {row["Kind of measure"] for row in projects} == {"Long-term project"}
    technical = csv_rows(client, address, safeguard_type="technical")
    assert 0 < len(technical) < total
    done = csv_rows(client, address, status="done")
    assert len(done) == Implementation.objects.filter(status="done").count()
    dated = csv_rows(client, address, dates="dated")
    assert dated and all(row["Due date"] or row["Window end"] for row in dated)
    undated = csv_rows(client, address, dates="undated")
    assert len(dated) + len(undated) == total
    assert len(csv_rows(client, address, case=CASE)) == total
    assert csv_rows(client, address, dates="overdue") == []

    Implementation.objects.filter(company__code="okinawa", status="in_progress").update(due_on="2025-01-31")
    overdue = csv_rows(client, address, dates="overdue")
    assert overdue and {row["Company"] for row in overdue} == {"沖縄電力(株)"}


def test_finding_and_incident_filters_narrow_the_case_pages(regulator_client, case):
    client = in_english(regulator_client)
    findings = url("cases:finding_list", [CASE])
    everything = csv_rows(client, findings)
    retail = csv_rows(client, findings, side="retailer")
    assert 0 < len(retail) < len(everything)
    assert {row["Side"] for row in retail} == {"Related retailers"}
    by_company = csv_rows(client, findings, company="okinawa")
    assert 0 < len(by_company) < len(everything)
    by_measure_text = csv_rows(client, findings, q="物理的分")
    assert 0 < len(by_measure_text) < len(everything)
    page = client.get(findings, {"side": "retailer"}).content.decode()
    assert retail[0]["Code"] in page and everything[0]["Code"] not in page

    incidents = url("cases:incident_list", [CASE])
    all_incidents = csv_rows(client, incidents)
    assert len(all_incidents) == Incident.objects.filter(pair__case=case).count()
    kansai = csv_rows(client, incidents, company="kansai-td")
    assert 0 < len(kansai) < len(all_incidents)
    assert {row["Group"] for row in kansai} == {
        Incident.objects.filter(pair__group__code="kansai").first().pair.group.name_ja
    }
    page = client.get(incidents, {"company": "kansai-td"})
    assert [pair.group.code for pair in page.context["pairs"]] == ["kansai"]


def test_open_items_filter_both_implementations_and_incidents(regulator_client, case):
    client = in_english(regulator_client)
    address = url("remediation:open_item_list", [CASE])
    page = client.get(address, {"company": "kansai-td"})
    assert page.context["implementations"] and {i.company.code for i in page.context["implementations"]} == {
        "kansai-td"
    }
    assert all("kansai-td" in {c.code for c in i.pair.companies.all()} for i in page.context["incidents"])
    # Incidents have no safeguard type: filtering by one leaves only implementations.
    page = client.get(address, {"safeguard_type": "technical"})
    assert page.context["incidents"] == []
    rows = csv_rows(client, address, company="okinawa")
    assert rows and all("沖縄電力" in row["Company or group"] for row in rows)


def test_private_lists_filter_and_search(regulator_client, marked):
    client = in_english(regulator_client)
    updates = csv_rows(client, url("remediation:progress_update_list"), q="marker-kansai")
    assert {row["Narrative"] for row in updates} == {"MARKER-kansai-td-MARKER", "MARKER-kansai-retail-MARKER"}
    updates = csv_rows(client, url("remediation:progress_update_list"), company="okinawa")
    assert [row["Narrative"] for row in updates] == ["MARKER-okinawa-MARKER"]
    queue = csv_rows(client, url("remediation:review_queue"), q="ＭＡＲＫＥＲ－ｏｋｉｎａｗａ")
    assert [row["Narrative"] for row in queue] == ["MARKER-okinawa-MARKER"]
    changes = csv_rows(client, url("remediation:deadline_change_list"), q="okinawa", state="pending")
    assert [row["Reason"] for row in changes] == ["MARKER-okinawa-MARKER"]
    assert csv_rows(client, url("remediation:deadline_change_list"), state="approved") == []
    reminders = csv_rows(client, url("remediation:reminder_list"), q="沖縄電力")
    assert [row["Period"] for row in reminders] == ["MARKER-okinawa-MARKER"]
    assert csv_rows(client, url("remediation:reminder_list"), sent="true") == []
    log = csv_rows(client, url("compliance:access_log_list"), q="regulator-st")
    assert log and {row["Person"] for row in log} == {"regulator-staff"}


# The information wall holds in exports ---------------------------------------------------------------------


def test_an_officers_exports_hold_only_their_own_companys_private_rows(officers, marked):
    private_lists = [
        "remediation:progress_update_list",
        "remediation:deadline_change_list",
        "remediation:reminder_list",
    ]
    for code in MARKED:
        client = in_english(signed_in(officers[code], second_factor=False))
        for name in private_lists:
            for file_format in ("csv", "xlsx"):
                response = client.get(url(name), {"format": file_format})
                assert response.status_code == 200, (name, code)
                text = exported_text(response, file_format)
                assert f"MARKER-{code}-MARKER" in text, (name, code, file_format)
                assert [c for c in MARKED if c != code and f"MARKER-{c}-MARKER" in text] == [], (name, code)


def exported_text(response, file_format: str) -> str:
    """Every cell of an export, as one text."""
    if file_format == "csv":
        return response.content.decode("utf-8-sig")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return "\n".join(str(value) for row in sheet.iter_rows(values_only=True) for value in row if value is not None)


def test_an_export_logs_the_read_of_every_private_row(officers, marked):
    officer = officers["kansai-td"]
    client = signed_in(officer, second_factor=False)
    own = ProgressUpdate.objects.filter(company=officer.company)
    assert client.get(url("remediation:progress_update_list"), {"format": "csv"}).status_code == 200
    reads = AccessLogEntry.objects.filter(user=officer, action="read", path__contains="format=csv")
    assert reads.count() == 1, "one entry for the whole export"
    assert ids_read(reads, "remediation.progressupdate") == {str(pk) for pk in own.values_list("pk", flat=True)}
    assert {record["company"] for record in reads.get().records} == {officer.company_id}


def test_undescribed_incidents_are_exported_to_the_regulator_alone(officers, regulator_client, case):
    described = Incident.objects.filter(pair__case=case, described_in_report=True).count()
    undescribed = list(Incident.objects.filter(pair__case=case, described_in_report=False).values_list("pk", flat=True))
    address = url("cases:incident_list", [CASE])
    officer = officers["okinawa"]
    assert len(csv_rows(in_english(signed_in(officer, second_factor=False)), address)) == described
    assert len(csv_rows(in_english(regulator_client), address)) == described + len(undescribed)
    reads = AccessLogEntry.objects.filter(action="read", path__contains="format=csv")
    assert ids_read(reads, "cases.incident") == {str(pk) for pk in undescribed}
    assert not reads.filter(user=officer).exists()


def test_regulator_lists_and_their_exports_answer_404_to_officers(officers):
    client = signed_in(officers["okinawa"], second_factor=False)
    for name in ["remediation:review_queue", "compliance:access_log_list", "compliance:change_history_list"]:
        assert client.get(url(name), {"format": "csv"}).status_code == 404


# The files themselves -------------------------------------------------------------------------------------


def test_the_csv_has_a_bom_and_round_trips_japanese(regulator_client):
    response = regulator_client.get(url("remediation:company_list"), {"format": "csv"})
    assert response.content[:3] == codecs.BOM_UTF8
    assert response["Content-Disposition"].startswith('attachment; filename="companies-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = {row[1] for row in rows[1:]}
    assert {"関西電力(株)", "関西電力送配電(株)", "沖縄電力(株)"} <= names
    assert response.content.decode("utf-8-sig").encode("utf-8-sig") == response.content


def test_the_xlsx_opens_with_openpyxl_and_holds_japanese_and_dates(regulator_client):
    response = regulator_client.get(url("remediation:implementation_list"), {"format": "xlsx", "company": "kansai-td"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + Implementation.objects.filter(company__code="kansai-td").count()
    assert all(row[7] == "関西電力送配電(株)" for row in rows[1:])
    window_ends = [row[11] for row in rows[1:] if row[11]]
    assert window_ends and all(isinstance(value, datetime.datetime) for value in window_ends)


# What a spreadsheet may run as a formula: the ASCII starts, their full-width forms, and any of them behind white space
# or an invisible character (zero-width space, non-joiner, joiner, word joiner, byte-order mark).
FORMULA_STARTS = [
    *["=", "+", "-", "@", "\t", "\r"],
    *["＝", "＋", "－", "＠"],
    *["\u200b=", "\u200c=", "\u200d=", "\u2060=", "\ufeff=", " =", "\u3000=", "\u200b \ufeff＋", "\x01="],
]


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=[repr(start) for start in FORMULA_STARTS])
def test_formula_cells_are_escaped(regulator_client, officers, start):
    officer = officers["okinawa"]
    item = Implementation.objects.filter(company=officer.company).first()
    narrative = f'{start}HYPERLINK("http://example.invalid","x")'
    ProgressUpdate.objects.create(
        company=officer.company, author=officer, implementation=item, status="in_progress", narrative=narrative
    )
    client = in_english(regulator_client)
    rows = csv_rows(client, url("remediation:progress_update_list"), company="okinawa")
    assert [row["Narrative"] for row in rows] == ["'" + narrative]
    response = client.get(url("remediation:progress_update_list"), {"company": "okinawa", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [row[5] for row in sheet.iter_rows(min_row=2)]
    # XML keeps no bare carriage return: Excel reads it back as a line feed, after the apostrophe all the same; and no
    # control character, which goes before the escape.
    kept = narrative.replace("\r", "\n").replace("\x01", "")
    assert [c.value for c in cells] == ["'" + kept] and cells[0].data_type == "s"


def test_cells_keep_numbers_and_plain_text_and_escape_only_text():
    assert escape_formula("=1+2") == "'=1+2"
    assert escape_formula("関西=1") == "関西=1"
    assert escape_formula("\u200b＝1+2") == "'\u200b＝1+2"
    assert escape_formula("a-b") == "a-b" and escape_formula("\u200b関西") == "\u200b関西" and escape_formula("") == ""
    assert cell(-3, "csv") == -3
    assert cell(None, "csv") == ""
    moment = datetime.datetime(2026, 1, 1, 0, 0, tzinfo=datetime.UTC)
    assert cell(moment, "csv") == "2026-01-01 09:00:00"  # shown in Tokyo time
    assert cell(moment, "xlsx") == datetime.datetime(2026, 1, 1, 9, 0)  # noqa: DTZ001 (Excel has no time zones)
    response = export_response(
        rows=[{"a": "x"}], columns=[Column("A", lambda r: r["a"])], file_format="csv", filename="t"
    )
    assert response.content == codecs.BOM_UTF8 + b"A\r\nx\r\n"
