"""load_report: idempotent on good data; a malformed or tampered file is refused whole, naming the record."""

import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import connection

from cases.models import Finding
from remediation.case_loading import DEFAULT_REPORT, case_file_load

pytestmark = pytest.mark.django_db

TABLES = [
    "cases_case", "cases_finding", "cases_finding_affected_companies", "cases_finding_safeguard_types",
    "cases_incident", "cases_incidentpair", "cases_incidentpair_companies", "cases_lawarticle",
    "cases_regulatoryaction", "cases_regulatoryaction_addressees", "cases_regulatoryaction_articles",
    "cases_safeguardtype", "compliance_company", "compliance_companygroup",
    "remediation_implementation", "remediation_measure",
]  # fmt: skip


def snapshot() -> dict[str, list]:
    """Every row of every table the loader writes, to compare before and after."""
    with connection.cursor() as cursor:
        rows = {}
        for table in TABLES:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
            rows[table] = cursor.fetchall()
        return rows


def test_loading_twice_changes_nothing(case):
    before = snapshot()
    result = case_file_load()
    assert not result.changed_anything
    assert snapshot() == before


def test_the_command_says_nothing_changed(case, capsys):
    call_command("load_report")
    assert "nothing changed" in capsys.readouterr().out


def test_reloading_keeps_the_tracked_state_of_existing_records(case):
    """Status and dates belong to the progress workflow once a record exists."""
    implementation = case.findings.get(code="td-1").measures.get(kind="project").implementations.first()
    implementation.status = "in_progress"
    implementation.save()
    case_file_load()
    implementation.refresh_from_db()
    assert implementation.status == "in_progress"


def test_reloading_restores_published_text(case):
    Finding.objects.filter(case=case, code="td-2").update(text_en="edited")
    result = case_file_load()
    assert result.updated == {"cases.Finding": 1}
    assert Finding.objects.get(case=case, code="td-2").text_en != "edited"


@pytest.fixture
def report_copy(tmp_path) -> Path:
    """A writable copy of the data file beside its report text."""
    shutil.copy(DEFAULT_REPORT.with_name("report-2024-03-06.ja.txt"), tmp_path)
    target = tmp_path / DEFAULT_REPORT.name
    shutil.copy(DEFAULT_REPORT, target)
    return target


def edit(path: Path, change) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def finding(document, code):
    return next(f for f in document["findings"] if f["code"] == code)


def pair(document, group):
    return next(p for p in document["pairs"] if p["group"] == group)


BAD_EDITS = {
    "unknown company": (
        lambda d: finding(d, "td-4")["measures"][2]["implementers"].append("shikoku-tdx"),
        "findings (td-4).measures (td-4-m3): implementers: unknown company 'shikoku-tdx'",
    ),
    "quote not in the report": (
        lambda d: finding(d, "rt-2")["measures"][0].update(text_ja="全営業所を点検しないこととした。"),
        "findings (rt-2).measures (rt-2-m1): text_ja: not found word for word in the report",
    ),
    "more incidents described than counted": (
        lambda d: pair(d, "kansai").update(incident_total=1),
        "pairs[1] (kansai)",
    ),
    "duplicate incident label": (
        lambda d: pair(d, "kyushu")["incidents"][1].update(label="ア"),
        "pairs (4).incidents: code: 'ア' appears 2 times",
    ),
    "window ending before it starts": (
        lambda d: finding(d, "td-1")["measures"][2]["window"].update(start="2032-01-01"),
        "findings[0] (td-1).measures[2] (td-1-m3).window: -: Value error, the window ends before it starts",
    ),
    "wrong status": (
        lambda d: finding(d, "td-1")["measures"][0].update(status="finished"),
        "findings[0] (td-1).measures[0] (td-1-m1): status:",
    ),
    "missing field": (
        lambda d: pair(d, "hokuriku")["incidents"][0].pop("fix_ja"),
        "pairs[0] (hokuriku).incidents[0] (ア): fix_ja: Field required",
    ),
    "unexpected field": (
        lambda d: d["case"].update(secret="x"),
        "case: secret: Extra inputs are not permitted",
    ),
    "tampered report text hash": (
        lambda d: d["source"].update(text_sha256="0" * 64),
        "source: text_sha256: report-2024-03-06.ja.txt is not the text this file was made from",
    ),
    "viewer is the owner": (
        lambda d: pair(d, "chugoku")["incidents"][0].update(viewer="chugoku-retail"),
        "pairs (3).incidents (ア): owner: the viewer and the owner are the same company",
    ),
}


@pytest.mark.parametrize("name", BAD_EDITS)
def test_a_bad_file_is_refused_whole_naming_the_record(case, report_copy, name):
    change, expected = BAD_EDITS[name]
    edit(report_copy, change)
    # Also change something valid, which must not be written either.
    edit(report_copy, lambda d: d["case"].update(title_en="A new title"))
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        call_command("load_report", str(report_copy))
    assert expected in str(refused.value)
    assert "nothing was loaded" in str(refused.value)
    assert snapshot() == before


def test_a_file_that_is_not_yaml_is_refused(case, report_copy):
    report_copy.write_text("findings: [unclosed\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid YAML"):
        call_command("load_report", str(report_copy))


def test_an_edited_report_text_is_refused(case, report_copy):
    text = report_copy.with_name("report-2024-03-06.ja.txt")
    text.write_text(text.read_text(encoding="utf-8").replace("計23件", "計22件"), encoding="utf-8")
    with pytest.raises(CommandError, match="is not the text this file was made from"):
        call_command("load_report", str(report_copy))


def test_every_problem_is_listed_at_once(case, report_copy):
    edit(report_copy, lambda d: finding(d, "td-2").update(affected=["nobody", "no-one"]))
    with pytest.raises(CommandError) as refused:
        call_command("load_report", str(report_copy))
    assert "2 problem(s)" in str(refused.value)
