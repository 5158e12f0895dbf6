"""The loaded report against the report itself: every figure here is read off the published text."""

import datetime

import pytest

from cases.models import Finding, Incident, IncidentPair, RegulatoryAction
from compliance.models import Company
from remediation.models import Implementation, Measure

pytestmark = pytest.mark.django_db

TD_OPERATORS = ["tohoku-td", "chubu-td", "hokuriku-td", "kansai-td", "chugoku-td", "shikoku-td", "kyushu-td", "okinawa"]
RETAILERS = [
    "tohoku-retail", "chubu-retail", "hokuriku-retail", "kansai-retail",
    "chugoku-retail", "shikoku-retail", "kyushu-retail",
]  # fmt: skip


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def test_companies_and_their_groups():
    assert Company.objects.count() == 17
    assert codes(Company.objects.filter(kind="td_operator")) == set(TD_OPERATORS) - {"okinawa"}
    assert codes(Company.objects.filter(kind="retailer")) == set(RETAILERS)
    assert Company.objects.get(code="okinawa").kind == "both"
    assert Company.objects.get(code="kansai-td").name_ja == "関西電力送配電(株)"
    assert codes(Company.objects.get(code="kansai-td").siblings()) == {"kansai-retail"}
    assert codes(Company.objects.get(code="okinawa").siblings()) == set()


@pytest.mark.parametrize(
    ("group", "total", "described"),
    [
        ("hokuriku", 4, ["ア", "イ", "ウ"]),
        ("kansai", 3, ["ア", "イ"]),
        ("chugoku", 5, ["ア", "イ", "ウ"]),
        ("kyushu", 11, ["ア", "イ"]),
    ],
)
def test_incidents_per_pair_match_the_reported_totals(case, group, total, described):
    pair = IncidentPair.objects.get(case=case, group__code=group)
    incidents = list(pair.incidents.order_by("number"))
    assert pair.incident_total == total
    assert len(incidents) == total
    assert [i.label for i in incidents if i.described_in_report] == described
    undescribed = [i for i in incidents if not i.described_in_report]
    assert len(undescribed) == total - len(described)
    assert all(i.label == "" and i.summary_ja == "" and i.viewer is None and i.status == "" for i in undescribed)


def test_twenty_three_incidents_in_all(case):
    assert Incident.objects.filter(pair__case=case).count() == 23


FINDINGS = {
    "td-1": ("appi-23", {"technical", "organizational"}, TD_OPERATORS),
    "td-2": ("appi-23", {"physical"}, ["tohoku-td"]),
    "td-3": ("appi-23", {"human"}, TD_OPERATORS),
    "td-4": ("appi-25", {"contractor_supervision"}, ["kansai-td", "chugoku-td", "shikoku-td", "kyushu-td", "okinawa"]),
    "rt-1": ("appi-20-1", {"proper_acquisition"}, [c for c in RETAILERS if c != "hokuriku-retail"]),
    "rt-2": ("appi-23", {"organizational"}, [c for c in RETAILERS if c != "hokuriku-retail"]),
    "rt-3": ("appi-23", {"human"}, RETAILERS),
    "rt-4": ("appi-25", {"contractor_supervision"}, ["tohoku-retail"]),
}  # fmt: skip


@pytest.mark.parametrize("code", FINDINGS)
def test_each_findings_article_safeguards_and_companies_concerned(case, code):
    article, safeguards, affected = FINDINGS[code]
    finding = Finding.objects.get(case=case, code=code)
    assert codes(finding.articles) == {article}
    assert all(a.law.code == "appi" for a in finding.articles.all())
    assert codes(finding.safeguard_types) == safeguards
    assert codes(finding.affected_companies) == set(affected)
    assert finding.side == ("td_operator" if code.startswith("td") else "retailer")


MEASURE_COUNTS = {"td-1": 5, "td-2": 1, "td-3": 1, "td-4": 7, "rt-1": 5, "rt-2": 3, "rt-3": 6, "rt-4": 1}

# Each implementer cell of the report, in bullet order.
IMPLEMENTERS = {
    "td-1": [["chubu-td", "kansai-td", "chugoku-td"], ["tohoku-td"],
             ["tohoku-td", "chubu-td", "hokuriku-td", "kansai-td", "chugoku-td", "okinawa"],
             ["chubu-td", "kansai-td", "chugoku-td", "shikoku-td", "kyushu-td", "okinawa"],
             ["tohoku-td", "chubu-td", "hokuriku-td", "okinawa"]],
    "td-2": [["tohoku-td"]],
    "td-3": [TD_OPERATORS],
    # One cell per bullet, in the same order.
    "td-4": [["kansai-td"], ["chugoku-td"], ["shikoku-td"], ["kyushu-td"], ["okinawa"], ["chugoku-td"],
             ["chugoku-td", "shikoku-td"]],
    "rt-1": [["chubu-retail"], ["chubu-retail", "kansai-retail", "chugoku-retail"], ["tohoku-retail", "shikoku-retail"],
             ["kansai-retail"], ["kyushu-retail"]],
    "rt-2": [["tohoku-retail", "chubu-retail", "kansai-retail", "chugoku-retail"],
             ["tohoku-retail", "chubu-retail", "chugoku-retail"], ["shikoku-retail", "kyushu-retail"]],
    "rt-3": [["tohoku-retail"],
             ["chubu-retail", "hokuriku-retail", "kansai-retail", "chugoku-retail", "shikoku-retail"],
             ["tohoku-retail"], ["tohoku-retail"], ["hokuriku-retail"], ["kyushu-retail"]],
    "rt-4": [["tohoku-retail"]],
}  # fmt: skip


@pytest.mark.parametrize("code", IMPLEMENTERS)
def test_each_measures_implementers(case, code):
    measures = Measure.objects.filter(finding__case=case, finding__code=code).order_by("position")
    assert measures.count() == MEASURE_COUNTS[code]
    assert [codes(m.implementers) for m in measures] == [set(cell) for cell in IMPLEMENTERS[code]]


def test_the_physical_split_window_and_its_six_operators(case):
    split = Measure.objects.get(finding__case=case, kind="project")
    assert "物理的分割" in split.text_ja
    implementations = Implementation.objects.filter(measure=split)
    assert codes(split.implementers) == {"tohoku-td", "chubu-td", "hokuriku-td", "kansai-td", "chugoku-td", "okinawa"}
    for implementation in implementations:
        assert implementation.window_start == datetime.date(2026, 3, 1)
        assert implementation.window_end == datetime.date(2031, 3, 31)
        assert implementation.is_open


def test_the_kansai_investigation_is_still_under_way(case):
    investigation = Incident.objects.get(pair__case=case, pair__group__code="kansai", label="ア")
    assert investigation.status == "in_progress"
    assert "調査を実施中" in investigation.summary_ja
    decision = RegulatoryAction.objects.get(case=case, code="decision-2024-03-06-kansai-pending")
    assert codes(decision.addressees) == {"kansai-retail"}


def test_kyushus_decided_deletion_is_planned_not_done(case):
    deletion = Incident.objects.get(pair__case=case, pair__group__code="kyushu", label="イ")
    assert deletion.status == "planned"
    assert deletion.fix_ja.endswith("削除することとした。")


def test_the_timeline_of_regulatory_actions(case):
    actions = list(RegulatoryAction.objects.filter(case=case).order_by("date", "position"))
    assert [(a.date.isoformat(), a.instrument.code) for a in actions] == [
        ("2023-06-29", "guidance"),
        ("2023-06-29", "report_request"),
        ("2024-03-06", "publication"),
        ("2024-03-06", "decision"),
        ("2024-03-06", "decision"),
    ]
    guidance = actions[0]
    assert codes(guidance.articles) == {"appi-147"}
    assert codes(guidance.addressees) == set(TD_OPERATORS) | set(RETAILERS)
    assert codes(actions[1].articles) == {"appi-146-1"}


def test_described_incidents_record_who_could_see_whose_data(case):
    used = Incident.objects.filter(pair__case=case, was_used=True)
    # Hokuriku ウ, Chugoku イ and Kyushu ア used the data they could see.
    assert {(i.pair.group.code, i.label) for i in used} == {("hokuriku", "ウ"), ("chugoku", "イ"), ("kyushu", "ア")}
    chugoku_i = Incident.objects.get(pair__case=case, pair__group__code="chugoku", label="イ")
    assert (chugoku_i.viewer.code, chugoku_i.owner.code) == ("chugoku-retail", "chugoku-td")
    assert chugoku_i.involves_new_entrant_data is True
    assert Incident.objects.get(pair__case=case, pair__group__code="kansai", label="イ").mutual
