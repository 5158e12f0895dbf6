"""Case files: a whole case exported in the report's format, and imported only when the whole file is valid."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from cases.models import (
    Authority,
    Case,
    Finding,
    Incident,
    IncidentPair,
    Instrument,
    Law,
    LawArticle,
    RegulatoryAction,
    SafeguardType,
)
from cases.report_format import CaseFileError, Problem, parse_case_text
from compliance.models import AccessLogEntry, Company, CompanyGroup
from remediation.case_files import case_file_export, case_file_import
from remediation.models import Implementation, Measure
from tests.access_log import records_read
from tests.cases.factories import second_case
from tests.conftest import signed_in
from tests.real_services import environment, manage, query

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
API = "/api/v1"
YAML = "application/yaml"

# The product's records of a case, and the natural key each is known by in a case file.
NATURAL_KEYS = {
    Authority: ["code"],
    Law: ["code"],
    Instrument: ["code"],
    CompanyGroup: ["code"],
    Company: ["code"],
    LawArticle: ["code"],
    SafeguardType: ["code"],
    Case: ["code"],
    RegulatoryAction: ["case", "code"],
    Finding: ["case", "code"],
    Measure: ["finding", "code"],
    Implementation: ["measure", "company"],
    IncidentPair: ["case", "number"],
    Incident: ["pair", "number"],
}
REFERENCE = [Authority, Law, Instrument, CompanyGroup, Company, LawArticle, SafeguardType]


def natural_key_sql(model, alias: str) -> str:
    """SQL for a row's natural key (`ppc-2024-utilities/td-1/td-1-m3/kansai-td`), primary keys left out."""
    parts = []
    for name in NATURAL_KEYS[model]:
        field = model._meta.get_field(name)
        if field.is_relation:
            parts.append(related_sql(field, alias))
        else:
            parts.append(f"{alias}.{field.column}::text")
    return " || '/' || ".join(parts)


def related_sql(field, alias: str) -> str:
    target, inner = field.related_model, f"{alias}_{field.column}"
    key = natural_key_sql(target, inner)
    return f"(SELECT {key} FROM {target._meta.db_table} {inner} WHERE {inner}.id = {alias}.{field.column})"


def rows_sql(model) -> str:
    """Every field of every row, foreign keys as natural keys; only the primary key left out."""
    columns = [
        related_sql(f, "t") if f.is_relation else f"t.{f.column}"
        for f in model._meta.concrete_fields
        if not f.primary_key
    ]
    return f"SELECT {natural_key_sql(model, 't')}, {', '.join(columns)} FROM {model._meta.db_table} t ORDER BY 1"


def links_sql(model, field) -> str:
    """The rows of a many-to-many relation, each side by its natural key."""
    through = field.remote_field.through._meta
    owner, target = field.m2m_column_name(), field.m2m_reverse_name()
    owner_key = natural_key_sql(model, "o")
    target_key = natural_key_sql(field.related_model, "r")
    return (
        f"SELECT {owner_key}, {target_key} FROM {through.db_table} l "
        f"JOIN {model._meta.db_table} o ON o.id = l.{owner} "
        f"JOIN {field.related_model._meta.db_table} r ON r.id = l.{target} ORDER BY 1, 2"
    )


def dump(run) -> dict[str, list[tuple]]:
    """Every record of the case files' models, and every many-to-many link between them, by natural key."""
    tables = {}
    for model in NATURAL_KEYS:
        tables[model._meta.label] = [tuple(row) for row in run(rows_sql(model))]
        for field in model._meta.many_to_many:
            if field.related_model in NATURAL_KEYS and field.remote_field.through._meta.auto_created:
                tables[f"{model._meta.label}.{field.name}"] = [tuple(row) for row in run(links_sql(model, field))]
    return tables


def local(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def of_cases(tables: dict[str, list[tuple]], codes: set[str], reference: dict[str, set[str]]) -> dict:
    """The rows of the given cases, and of the reference data named in `reference`."""
    kept = {}
    for label, rows in tables.items():
        model = apps.get_model(label.split(".")[0] + "." + label.split(".")[1])
        if model in REFERENCE and "." not in label.removeprefix(model._meta.label):
            kept[label] = [row for row in rows if row[0] in reference[model._meta.label]]
        else:
            kept[label] = [row for row in rows if row[0].split("/")[0] in codes]
    return kept


def row_counts() -> dict[str, int]:
    """The number of rows in every table of the database."""
    return {table: local(f'SELECT count(*) FROM "{table}"')[0][0] for table in connection.introspection.table_names()}


@pytest.fixture(autouse=True)
def in_english(settings):
    """Problems read in the interface's language: these tests read them in English."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def live_state(case):
    """The first case with some state the progress workflow gives: a moved window, a duty, a date, a status."""
    td_split = Implementation.objects.filter(measure__finding__case=case, measure__code="td-1-m3")
    td_split.filter(company__code="kansai-td").update(
        status="in_progress", window_end=datetime.date(2031, 9, 30), reporting_every="monthly",
        reporting_since=datetime.date(2026, 4, 1),
    )  # fmt: skip
    Implementation.objects.filter(measure__code="rt-3-m3").update(
        due_on=datetime.date(2026, 12, 15), baseline_due_on=datetime.date(2026, 10, 31)
    )
    Incident.objects.filter(pair__case=case, pair__group__code="kyushu", number=5).update(
        status="in_progress", due_on=datetime.date(2027, 1, 31)
    )
    Case.objects.filter(pk=case.pk).update(status_public=True)
    case.refresh_from_db()
    return case


# Export ------------------------------------------------------------------------------------------------------------


def test_the_export_is_a_case_file_of_the_documented_format(live_state):
    text = case_file_export(case=live_state)
    assert text == case_file_export(case=live_state), "the same case exports to the same file"
    assert text.startswith("# Case file (format_version 1)")
    assert "個人情報保護委員会" in text and "\\u" not in text
    assert "implementers: [tohoku-td, chubu-td, hokuriku-td, kansai-td, chugoku-td, okinawa]" in text
    document = parse_case_text(text)  # with the source block: every quote is checked against the report's text
    assert document.source.text_file == "report-2024-03-06.ja.txt"
    assert list(yaml.safe_load(text)) == [
        "format_version", "source", "authorities", "laws", "instruments", "law_articles", "safeguard_types", "groups",
        "companies", "case", "regulatory_actions", "findings", "pairs", "links",
    ]  # fmt: skip
    # Only the reference data the case refers to: the contractors are named in a text, never referred to.
    assert {c.code for c in document.companies} == set(
        Company.objects.exclude(kind="contractor").values_list("code", flat=True)
    )
    split = next(m for f in document.findings for m in f.measures if m.code == "td-1-m3")
    kansai = next(i for i in split.implementations if i.company == "kansai-td")
    assert (kansai.status, kansai.window.end, kansai.baseline_window.end) == (
        "in_progress", datetime.date(2031, 9, 30), datetime.date(2031, 3, 31)
    )  # fmt: skip
    assert (kansai.reporting_every, kansai.reporting_since) == ("monthly", datetime.date(2026, 4, 1))
    kyushu = next(p for p in document.pairs if p.group == "kyushu")
    assert [i.number for i in kyushu.undescribed] == list(range(3, 12))
    assert (kyushu.undescribed[2].status, kyushu.undescribed[2].due_on) == ("in_progress", datetime.date(2027, 1, 31))
    assert document.case.status_public is True


def test_a_case_opened_in_the_product_exports_without_a_source(case):
    second = second_case()
    text = case_file_export(case=second)
    document = parse_case_text(text)
    assert document.source is None
    assert document.case.summary_ja == ""
    assert [c.code for c in document.companies] == ["kansai-td", "kansai-retail"]
    assert "position: 3" in text, "a company's place in the product's lists travels with it"


def test_importing_an_export_into_the_database_it_came_from_changes_nothing(live_state, regulator_staff):
    second = second_case()
    files = [case_file_export(case=live_state), case_file_export(case=second)]
    before = dump(local)
    for text in files:
        result = case_file_import(actor=regulator_staff, text_or_path=text)
        assert (result.created, result.updated) == ({}, {}), result
    assert dump(local) == before


def test_export_then_import_into_an_empty_database_reproduces_the_cases(live_state, scratch_database, tmp_path):
    second = second_case()
    first_file, second_file = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first_file.write_text(case_file_export(case=live_state), encoding="utf-8")
    second_file.write_text(case_file_export(case=second), encoding="utf-8")
    env = environment(scratch_database, "redis://127.0.0.1:9/0", tmp_path / "mail")
    manage(env, "migrate", "--no-input", "-v", "0")
    assert manage(env, "import_case", str(first_file)) == "ppc-2024-utilities: imported from first.yaml."
    assert manage(env, "import_case", str(second_file)) == "second-case: imported from second.yaml."
    assert manage(env, "import_case", str(first_file)).endswith("already up to date, nothing changed.")

    imported = dump(lambda sql: query(scratch_database, sql))
    reference = {model._meta.label: {row[0] for row in imported[model._meta.label]} for model in REFERENCE}
    here = of_cases(dump(local), {live_state.code, second.code}, reference)
    assert reference["compliance.Company"] == set(
        Company.objects.exclude(kind="contractor").values_list("code", flat=True)
    )
    assert reference["compliance.CompanyGroup"] == set(CompanyGroup.objects.values_list("code", flat=True))
    assert (len(imported["remediation.Implementation"]), len(imported["cases.Incident"])) == (65 + 2, 23)
    for label in here:
        assert imported[label] == here[label], label


# Refusals ----------------------------------------------------------------------------------------------------------


def ten_errors(case: Case) -> tuple[str, list[Problem]]:
    """The case's export with ten problems of ten kinds, and the problems an import must report."""
    document = yaml.safe_load(case_file_export(case=case))
    findings, pairs = document["findings"], document["pairs"]
    del findings[0]["text_en"]
    pairs[0]["incident_total"] = "four"
    findings[1]["affected"] = ["tohoku-tdx"]
    findings[2]["measures"][0]["safeguard_type"] = "spiritual"
    findings[3]["code"] = "td-1"
    findings[0]["measures"][2]["implementations"][0]["window"] = {"start": "2026-03-01", "end": "2020-03-31"}
    findings[4]["articles"] = ["appi-999"]
    document["law_articles"][0]["article"] = -20
    pairs[1]["incidents"][0]["status"] = "finished"
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    text = text.replace("opened_on: 2023-06-29", "opened_on: 2023-02-30")  # as a person would type it
    measure = f"findings[0] (td-1).measures[2] ({findings[0]['measures'][2]['code']})"
    expected = [
        Problem(
            "law_articles[0] (appi-20-1)", "article", "An article number is a whole number from 1, such as 27 or 2の17."
        ),
        Problem("case", "opened_on", "Input should be a valid date in the format YYYY-MM-DD"),
        Problem("findings[0] (td-1)", "text_en", "Field required"),
        Problem(
            f"{measure}.implementations[0] (tohoku-td).window", "-", "Value error, the window ends before it starts"
        ),
        Problem("pairs[0] (hokuriku)", "incident_total", "Input should be a valid integer"),
        Problem(
            "pairs[1] (kansai).incidents[0] (ア)",
            "status",
            "Input should be 'planned', 'in_progress', 'done' or 'blocked'",
        ),
        Problem("findings", "code", "'td-1' appears 2 times"),
        Problem("findings (td-2)", "affected", "unknown company 'tohoku-tdx'"),
        Problem("findings (td-3).measures (td-3-m1)", "safeguard_type", "unknown safeguard type 'spiritual'"),
        Problem(f"findings ({findings[4]['code']})", "articles", "unknown law article 'appi-999'"),
    ]
    return text, expected


def test_ten_different_errors_are_all_reported_and_nothing_is_written(case, regulator_staff):
    text, expected = ten_errors(case)
    assert len(expected) == 10
    before = row_counts()
    with pytest.raises(CaseFileError) as refused:
        case_file_import(actor=regulator_staff, text_or_path=text)
    assert sorted(refused.value.problems, key=str) == sorted(expected, key=str)
    assert row_counts() == before


@pytest.mark.parametrize("how", ["command", "api body", "api file", "page"])
def test_every_channel_lists_every_problem(case, regulator_client, tmp_path, how):
    text, expected = ten_errors(case)
    before = row_counts()
    if how == "command":
        path = tmp_path / "case.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(CommandError) as refused:
            call_command("import_case", str(path))
        lines = str(refused.value).splitlines()
        assert lines[0].endswith(f"{len(expected)} problem(s), nothing was loaded:")
        assert sorted(lines[1:]) == sorted(f"  - {problem}" for problem in expected)
    elif how == "page":
        upload = SimpleUploadedFile("case.yaml", text.encode(), content_type=YAML)
        response = regulator_client.post(reverse("remediation:case_file_import"), {"file": upload})
        assert response.status_code == 200
        assert sorted(response.context["problems"], key=str) == sorted(expected, key=str)
        page = response.content.decode()
        assert page.count("<tr><td><code>") == len(expected)
        assert "unknown safeguard type &#x27;spiritual&#x27;" in page
    else:
        url = f"{API}/cases/import/"
        if how == "api body":
            response = regulator_client.post(url, text.encode(), content_type=YAML)
        else:
            upload = SimpleUploadedFile("case.yaml", text.encode(), content_type=YAML)
            response = regulator_client.post(url, {"file": upload})
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        errors = response.json()["errors"]
        reported = [
            Problem(record, field, reason)
            for record, fields in errors.items()
            for field, reasons in fields.items()
            for reason in reasons
        ]
        assert sorted(reported, key=str) == sorted(expected, key=str)
    assert row_counts() == before


def test_the_format_refuses_what_it_cannot_read_safely():
    aliased = "format_version: 1\nlaw_articles: &a []\nsafeguard_types: *a\n"
    for text, reason in [
        (aliased, "aliases (*name) are not accepted"),
        ("format_version: 1\nformat_version: 1\n", "the key 'format_version' is given twice"),
        ("[" * 5000, "nested too deeply"),
        ("x: " + "a" * (3 * 1024 * 1024), "larger than 2 MB"),
    ]:
        with pytest.raises(CaseFileError) as refused:
            parse_case_text(text)
        assert reason in str(refused.value), text[:40]


def test_a_file_the_database_would_refuse_is_refused_whole(case, regulator_staff):
    document = yaml.safe_load(case_file_export(case=second_case()))
    # Art. 23 under a second code: the file alone cannot tell, the database can.
    document["law_articles"][0]["code"] = "appi-23-bis"
    document["findings"][0]["articles"] = ["appi-23-bis"]
    before = row_counts()
    with pytest.raises(CaseFileError) as refused:
        case_file_import(actor=regulator_staff, text_or_path=yaml.safe_dump(document, allow_unicode=True))
    assert "lawarticle_unique_reference" in str(refused.value)
    assert row_counts() == before


# The API and the pages ---------------------------------------------------------------------------------------------


def test_the_api_exports_and_imports_a_case(case, regulator_client):
    second = second_case()
    exported = regulator_client.get(f"{API}/cases/{second.code}/export/")
    assert exported.status_code == 200
    assert exported["Content-Type"] == "application/yaml; charset=utf-8"
    assert exported["Content-Disposition"] == 'attachment; filename="second-case.yaml"'
    text = exported.content.decode()
    assert text == case_file_export(case=second)
    asked_for_yaml = regulator_client.get(f"{API}/cases/{second.code}/export/", HTTP_ACCEPT=YAML)
    assert asked_for_yaml.status_code == 200 and asked_for_yaml.content.decode() == text
    again = regulator_client.post(f"{API}/cases/import/", text.encode(), content_type="text/yaml")
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["updated"]) == ({}, {})
    second.delete()
    created = regulator_client.post(f"{API}/cases/import/", text.encode(), content_type=YAML)
    assert created.status_code == 201
    body = created.json()
    assert body["case"] == "second-case" and created["Location"] == body["url"]
    assert body["url"].endswith(f"{API}/cases/second-case/")
    assert body["created"] == {
        "cases.Case": 1, "cases.Finding": 1, "cases.RegulatoryAction": 1,
        "remediation.Implementation": 2, "remediation.Measure": 1,
    }  # fmt: skip
    assert case_file_export(case=Case.objects.get(code="second-case")) == text
    empty = regulator_client.post(f"{API}/cases/import/", b"", content_type=YAML)
    assert empty.status_code == 400 and "file" in empty.json()["errors"]


def test_the_export_page_is_a_download_that_logs_the_private_records_it_holds(case, regulator_client, regulator_staff):
    page = regulator_client.get(case.get_absolute_url()).content.decode()
    assert reverse("remediation:case_file_export", args=[case.code]) in page
    reads = AccessLogEntry.objects.filter(user=regulator_staff, action="read")
    before = reads.count()
    response = regulator_client.get(reverse("remediation:case_file_export", args=[case.code]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ppc-2024-utilities.yaml"'
    assert response.content.decode() == case_file_export(case=case)
    undescribed = Incident.objects.filter(pair__case=case, described_in_report=False).count()
    assert reads.count() == before + 1, "one entry for the download"
    assert len(records_read([reads.order_by("-id").first()], "cases.incident")) == undescribed == 13


def test_the_import_page_takes_a_file_and_shows_the_case(case, regulator_client):
    second = second_case()
    text = case_file_export(case=second)
    second.delete()
    assert reverse("remediation:case_file_import") in regulator_client.get(reverse("cases:case_list")).content.decode()
    assert regulator_client.get(reverse("remediation:case_file_import")).status_code == 200
    upload = SimpleUploadedFile("second.yaml", text.encode(), content_type=YAML)
    response = regulator_client.post(reverse("remediation:case_file_import"), {"file": upload}, follow=True)
    assert response.redirect_chain == [("/cases/second-case/", 302)]
    assert Case.objects.filter(code="second-case").exists()
    not_utf8 = SimpleUploadedFile("second.yaml", "事案".encode("shift_jis"), content_type=YAML)
    refused = regulator_client.post(reverse("remediation:case_file_import"), {"file": not_utf8})
    assert [str(p) for p in refused.context["problems"]] == ["file: -: not UTF-8 text"]


def test_officers_can_neither_export_nor_import_and_each_attempt_is_logged(case, officers):
    text = case_file_export(case=case).replace("title_en: Proper acquisition", "title_en: Changed")
    officer = officers["kansai-td"]
    client = signed_in(officer, second_factor=False)
    denied = AccessLogEntry.objects.filter(user=officer, action="denied")
    before, rows = denied.count(), row_counts()
    upload = SimpleUploadedFile("case.yaml", text.encode(), content_type=YAML)
    attempts = [
        client.get(reverse("remediation:case_file_export", args=[case.code])),
        client.get(f"{API}/cases/{case.code}/export/"),
        client.get(reverse("remediation:case_file_import")),
        client.post(reverse("remediation:case_file_import"), {"file": upload}),
        client.post(f"{API}/cases/import/", text.encode(), content_type=YAML),
    ]
    assert [response.status_code for response in attempts] == [404] * 5
    assert (
        reverse("remediation:case_file_export", args=[case.code])
        not in client.get(case.get_absolute_url()).content.decode()
    )
    assert denied.count() == before + 5
    assert set(denied.order_by("-id")[:5].values_list("object_type", flat=True)) == {
        "page:remediation:case_file_export", "api:api:case-export",
        "page:remediation:case_file_import", "api:api:case-import",
    }  # fmt: skip
    assert row_counts() == rows | {"compliance_accesslogentry": rows["compliance_accesslogentry"] + 5}
    with pytest.raises(PermissionDenied):
        case_file_import(actor=officer, text_or_path=text)


def test_the_command_exports_to_a_file_or_to_standard_output(case, tmp_path, capsys):
    path = tmp_path / "case.yaml"
    call_command("export_case", case.code, "--output", str(path))
    assert path.read_text(encoding="utf-8") == case_file_export(case=case)
    call_command("export_case", case.code)
    assert capsys.readouterr().out == case_file_export(case=case)
    with pytest.raises(CommandError, match="no case with the code 'nothing'"):
        call_command("export_case", "nothing")


def test_the_report_file_still_loads_as_before(case):
    """The format grew for any case; the report's own file reads exactly as before."""
    from remediation.case_loading import DEFAULT_REPORT

    text = Path(DEFAULT_REPORT).read_text(encoding="utf-8")
    document = parse_case_text(text, folders=[DEFAULT_REPORT.parent])
    assert document.source is not None and all(not m.implementations for f in document.findings for m in f.measures)


def test_the_items_own_rules_are_checked_with_the_file_before_anything_is_written(case, regulator_staff):
    document = yaml.safe_load(case_file_export(case=second_case()))
    document["case"]["status"] = "closed"
    state = document["findings"][0]["measures"][0]["implementations"][0]
    state["window"] = {"start": "2026-01-01", "end": "2026-12-31"}  # beside its due date
    with pytest.raises(CaseFileError) as refused:
        case_file_import(actor=regulator_staff, text_or_path=yaml.safe_dump(document, allow_unicode=True))
    implementation = "findings[0] (s2-1).measures[0] (s2-1-m1).implementations[0] (kansai-td)"
    assert [str(problem) for problem in refused.value.problems] == [
        "case: -: Value error, a closed case has the day it was closed (closed_on)",
        f"{implementation}: -: Value error, a due date or a window, not both",
    ]


def test_a_file_cannot_lower_a_pairs_total_below_its_incidents(case, regulator_staff):
    document = yaml.safe_load(case_file_export(case=case))
    pair = next(p for p in document["pairs"] if p.get("undescribed"))
    pair["incident_total"] -= 1
    del pair["undescribed"]  # as a file written before undescribed incidents were listed: only the total says it
    before = row_counts()
    with pytest.raises(CaseFileError) as refused:
        case_file_import(actor=regulator_staff, text_or_path=yaml.safe_dump(document, allow_unicode=True))
    assert [problem.field for problem in refused.value.problems] == ["incident_total"]
    assert row_counts() == before


def test_an_import_that_changes_an_item_raises_its_version(case, regulator_staff):
    incident = Incident.objects.filter(pair__case=case, described_in_report=True).first()
    document = yaml.safe_load(case_file_export(case=case))
    pair = next(p for p in document["pairs"] if p["number"] == incident.pair.number)
    described = next(i for i in pair["incidents"] if i["label"] == incident.label)
    described["summary_en"] = "A corrected translation"
    case_file_import(actor=regulator_staff, text_or_path=yaml.safe_dump(document, allow_unicode=True))
    incident.refresh_from_db()
    assert incident.summary_en == "A corrected translation" and incident.version == 2  # the old ETag is stale


def test_a_case_edited_in_the_product_still_exports_and_imports(case, regulator_staff):
    from cases.editing import finding_create

    finding_create(
        actor=regulator_staff,
        case=case,
        code="added-later",
        side="td_operator",
        articles=[LawArticle.objects.get(code="appi-23")],
        text_ja="報告書の後に加えた問題点",
        safeguard_types=[SafeguardType.objects.get(code="technical")],
        affected_companies=[Company.objects.get(code="kansai-td")],
    )  # not a quote of the report, and with no measure yet
    text = case_file_export(case=case)
    assert "source:" not in text.split("law_articles:")[0]
    result = case_file_import(actor=regulator_staff, text_or_path=text)
    assert sum(result.created.values()) == 0


def test_the_export_command_logs_the_private_records_it_writes(case, tmp_path):
    before = AccessLogEntry.objects.count()
    call_command("export_case", case.code, "--output", str(tmp_path / "case.yaml"))
    undescribed = Incident.objects.filter(pair__case=case, described_in_report=False).count()
    assert AccessLogEntry.objects.count() == before + 1, "one entry for the export"
    assert len(records_read([AccessLogEntry.objects.order_by("-id").first()], "cases.incident")) == undescribed
