"""A second case brought by other authorities, through the API alone: authorities, issuers and addressees, a measure's
worded deadline and its dates, links that read right from both sides, deletes refused with what depends on them,
and case files that round-trip."""

from __future__ import annotations

import copy
import datetime

import pytest
import yaml
from django.test import Client
from django.utils import translation
from knox.models import AuthToken

from cases.choices import CaseRelation
from cases.models import Authority, Case, CaseLink, LawArticle, RegulatoryAction
from cases.report_format import CaseFileError, parse_case_text
from compliance.models import Company
from remediation.case_files import case_file_export, case_file_import
from remediation.models import Implementation, Measure
from tests.cases.factories import second_case
from tests.conftest import etag, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
API = "/api/v1"
JSON = "application/json"


def token_client(person, language: str = "ja") -> Client:
    _, token = AuthToken.objects.create(person)
    return Client(headers={"Authorization": f"Token {token}", "Accept": JSON, "Accept-Language": language})


@pytest.fixture
def staff_api(regulator_staff) -> Client:
    return token_client(regulator_staff)


@pytest.fixture
def staff_api_en(regulator_staff) -> Client:
    return token_client(regulator_staff, "en")


def post(client: Client, resource: str, body: dict, status: int = 201) -> dict:
    response = client.post(f"{API}/{resource}/", body, content_type=JSON)
    assert response.status_code == status, response.content.decode()[:800]
    return response.json()


def test_the_seeded_authorities_and_the_existing_case_is_the_ppcs(case):
    assert set(Authority.objects.values_list("code", flat=True)) >= {"ppc", "meti", "meti-minister", "egc"}
    assert [a.code for a in case.authorities.all()] == ["ppc"]
    assert set(RegulatoryAction.objects.filter(case=case).values_list("issuer__code", flat=True)) == {"ppc"}


def test_another_authoritys_case_through_the_api_alone(case, staff_api, officers):
    opened = post(
        staff_api,
        "cases",
        {"code": "egc-2023-recommendation", "title_ja": "電力・ガス取引監視等委員会の勧告", "opened_on": "2023-04-17",
         "authorities": ["egc", "meti"]},
    )  # fmt: skip
    assert set(opened["authorities"]) == {"egc", "meti"}
    action = post(
        staff_api,
        "regulatory-actions",
        {"case": "egc-2023-recommendation", "code": "2023-04-17-recommendation", "kind": "decision",
         "date": "2023-04-17", "title_ja": "業務改善勧告", "issuer": "egc", "addressees": ["kansai-td"],
         "addressee_authorities": ["meti-minister"]},
    )  # fmt: skip
    assert (action["issuer"], action["addressees"], action["addressee_authorities"]) == (
        "egc", ["kansai-td"], ["meti-minister"]
    )  # fmt: skip
    # Without an issuer, an action is the case's first authority's.
    defaulted = post(
        staff_api,
        "regulatory-actions",
        {"case": "egc-2023-recommendation", "code": "2023-05-12-report", "kind": "publication",
         "date": "2023-05-12", "title_ja": "報告"},
    )  # fmt: skip
    assert defaulted["issuer"] == Case.objects.get(code="egc-2023-recommendation").authorities.first().code
    url = f"{API}/cases/egc-2023-recommendation/"
    changed = staff_api.patch(url, {"authorities": ["egc"]}, content_type=JSON, HTTP_IF_MATCH=etag(staff_api, url))
    assert changed.json()["authorities"] == ["egc"]
    unknown = staff_api.patch(url, {"authorities": ["nobody"]}, content_type=JSON, HTTP_IF_MATCH=changed["ETag"])
    assert unknown.status_code == 400 and "nobody" in unknown.content.decode()
    none = staff_api.patch(url, {"authorities": []}, content_type=JSON, HTTP_IF_MATCH=changed["ETag"])
    assert none.status_code == 400
    # Officers read authorities and cannot write them.
    officer = token_client(officers["kansai-td"])
    assert officer.get(f"{API}/authorities/ppc/").json()["name_ja"] == "個人情報保護委員会"
    assert officer.post(f"{API}/authorities/", {"code": "x", "name_ja": "x", "kind": "other"}).status_code == 404


def test_regulator_staff_keep_authorities_through_the_api(case, staff_api, staff_api_en):
    made = post(staff_api, "authorities", {"code": "fsa", "name_ja": "金融庁", "name_en": "FSA", "kind": "ministry"})
    assert made["kind"] == "ministry"
    fsa, ppc = f"{API}/authorities/fsa/", f"{API}/authorities/ppc/"
    body = {"name_en": "Financial Services Agency"}
    renamed = staff_api.patch(fsa, body, content_type=JSON, HTTP_IF_MATCH=etag(staff_api, fsa))
    assert renamed.json()["name_en"] == "Financial Services Agency"
    assert staff_api.delete(fsa, HTTP_IF_MATCH=renamed["ETag"]).status_code == 204
    refused = staff_api.delete(ppc, HTTP_IF_MATCH=etag(staff_api, ppc))
    assert refused.status_code == 409
    assert "削除できません" in refused.json()["detail"] and "事案" in refused.json()["detail"]
    refused_en = staff_api_en.delete(ppc, HTTP_IF_MATCH=etag(staff_api, ppc))
    assert refused_en.status_code == 409
    assert "cannot be removed" in refused_en.json()["detail"] and "case" in refused_en.json()["detail"]


def test_deleting_a_case_a_law_article_and_a_company(case, staff_api, staff_api_en):
    # Something depends on each: refused with what, in Japanese and in English.
    for url, ja, en in [
        (f"{API}/cases/{case.code}/", "問題点", "findings"),
        (f"{API}/law-articles/appi-23/", "問題点", "findings"),
        (f"{API}/companies/kansai-td/", "問題点", "findings"),
    ]:
        refused = staff_api.delete(url, HTTP_IF_MATCH=etag(staff_api, url))
        assert refused.status_code == 409, url
        assert ja in refused.json()["detail"] and "削除できません" in refused.json()["detail"], refused.json()
        refused_en = staff_api_en.delete(url, HTTP_IF_MATCH=etag(staff_api, url))
        assert refused_en.status_code == 409
        assert en in refused_en.json()["detail"] and "cannot be removed" in refused_en.json()["detail"]
    # Nothing depends on them: removed.
    post(staff_api, "cases", {"code": "empty-case", "title_ja": "空の事案", "opened_on": "2026-04-01"})
    post(staff_api, "law-articles", {"code": "eba-1", "law": "eba", "article": "1", "title_ja": "目的"})
    post(staff_api, "companies", {"code": "newco", "name_ja": "新会社", "kind": "retailer"})
    for url in [f"{API}/cases/empty-case/", f"{API}/law-articles/eba-1/", f"{API}/companies/newco/"]:
        assert staff_api.delete(url, HTTP_IF_MATCH=etag(staff_api, url)).status_code == 204, url
    assert not Case.objects.filter(code="empty-case").exists()
    assert not LawArticle.objects.filter(code="eba-1").exists()
    assert not Company.objects.filter(code="newco").exists()


def test_a_measures_worded_deadline_and_its_days(case, staff_api, regulator_staff):
    measure = Measure.objects.filter(finding__case=case).first()
    body = {"deadline_text": "概ね3年以内", "submitted_on": "2023-05-12", "completed_on": "令和6年3月1日"}
    changed = staff_api.patch(
        f"{API}/measures/{case.code}/{measure.finding.code}/{measure.code}/",
        body,
        content_type=JSON,
        HTTP_IF_MATCH=measure.etag,
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["deadline_text"], changed.json()["submitted_on"], changed.json()["completed_on"]) == (
        "概ね3年以内", "2023-05-12", "2024-03-01"
    )  # fmt: skip
    item = measure.implementations.first()
    patched = staff_api.patch(
        f"{API}/implementations/{item.pk}/",
        {"deadline_text": "速やかに", "completed_on": "2026-10-01"},
        content_type=JSON,
        HTTP_IF_MATCH=item.etag,
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["deadline_text"], patched.json()["completed_on"]) == ("速やかに", "2026-10-01")
    dates_before = (item.due_on, item.window_start, item.window_end)
    item.refresh_from_db()
    assert (item.due_on, item.window_start, item.window_end) == dates_before, "the dates left out stay"
    client = signed_in(regulator_staff)
    page = client.get(measure.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "概ね3年以内" in page and "Submitted on" in page and "Completed on" in page
    item_page = client.get(item.get_tracking_url(), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "速やかに" in item_page


@pytest.mark.parametrize(
    ("language", "forward", "reverse"),
    [
        ("en", "Another authority&#x27;s case about the same matter", "Case that names this one as another"),
        ("ja", "同じ事柄に関する他の機関の事案", "この事案を同じ事柄に関する他の機関の事案として"),
    ],
)
def test_another_authoritys_case_reads_right_from_both_sides(case, regulator_client, language, forward, reverse):
    second = second_case()
    CaseLink.objects.create(from_case=second, to_case=case, relation=CaseRelation.OTHER_REGULATOR)
    on_second = regulator_client.get(second.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    on_first = regulator_client.get(case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert forward in on_second and reverse not in on_second
    assert reverse in on_first
    assert "当委員会の事案" not in on_first


@pytest.mark.parametrize(
    ("language", "forward", "reverse"),
    [
        ("en", "Follow-up of this case", "Case this one follows up"),
        ("ja", "この事案の後続事案", "この事案が後続する元の事案"),
    ],
)
def test_a_follow_up_reads_right_from_both_sides_in_the_api(case, regulator_staff, language, forward, reverse):
    second = second_case()
    CaseLink.objects.create(from_case=case, to_case=second, relation=CaseRelation.FOLLOW_UP)
    client = token_client(regulator_staff, language)
    first = client.get(f"{API}/cases/{case.code}/").json()["related"]
    other = client.get(f"{API}/cases/{second.code}/").json()["related"]
    assert [(r["case"], r["direction"], r["label"]) for r in first] == [(second.code, "outgoing", forward)]
    assert [(r["case"], r["direction"], r["label"]) for r in other] == [(case.code, "incoming", reverse)]


# Case files --------------------------------------------------------------------------------------------------------


def test_measure_codes_are_unique_per_finding_in_a_case_file_as_in_the_database(case, regulator_staff):
    findings = list(case.findings.order_by("position")[:2])
    for finding in findings:
        Measure.objects.filter(pk=finding.measures.order_by("position").first().pk).update(code="causes")
    text = case_file_export(case=case)
    result = case_file_import(actor=regulator_staff, text_or_path=text)
    assert (result.created, result.updated) == ({}, {})
    document = yaml.safe_load(text)
    document["findings"][0]["measures"].append(copy.deepcopy(document["findings"][0]["measures"][0]))
    with translation.override("en"), pytest.raises(CaseFileError) as refused:
        parse_case_text(yaml.safe_dump(document, allow_unicode=True))
    assert any("'causes' appears 2 times" in str(p) for p in refused.value.problems), refused.value.problems


def test_reimporting_an_export_changes_nothing_not_even_versions(case, regulator_staff):
    measure = Measure.objects.filter(finding__case=case).first()
    Measure.objects.filter(pk=measure.pk).update(deadline_text="概ね3年以内", submitted_on=datetime.date(2023, 5, 12))
    second = second_case()
    CaseLink.objects.create(from_case=second, to_case=case, relation=CaseRelation.OTHER_REGULATOR, note_en="x")
    RegulatoryAction.objects.filter(case=second).update(issuer=Authority.objects.get(code="egc"))
    versions = dict(Implementation.objects.values_list("pk", "version"))
    for exported in (case, second):
        result = case_file_import(actor=regulator_staff, text_or_path=case_file_export(case=exported))
        assert (result.created, result.updated, result.pending_links) == ({}, {}, ())
    assert dict(Implementation.objects.values_list("pk", "version")) == versions


def test_an_export_imported_under_a_new_code_reproduces_the_case(case, regulator_staff):
    second = second_case()
    Measure.objects.filter(finding__case=second).update(
        deadline_text="速やかに", completed_on=datetime.date(2026, 5, 1)
    )
    Case.objects.get(pk=second.pk).authorities.set(Authority.objects.filter(code__in=["egc", "meti"]))
    action = RegulatoryAction.objects.get(case=second)
    action.addressee_authorities.set([Authority.objects.get(code="meti-minister")])
    CaseLink.objects.create(from_case=second, to_case=case, relation=CaseRelation.OTHER_REGULATOR)
    text = case_file_export(case=second)
    copy = text.replace("second-case", "second-case-copy")
    result = case_file_import(actor=regulator_staff, text_or_path=copy)
    assert result.created["cases.Case"] == 1 and result.pending_links == ()
    again = case_file_export(case=Case.objects.get(code="second-case-copy"))
    assert again == copy


def test_a_link_to_a_case_not_in_the_database_waits_for_that_case(case, regulator_staff):
    second = second_case()
    CaseLink.objects.create(from_case=second, to_case=case, relation=CaseRelation.FOLLOW_UP)
    text = case_file_export(case=second).replace("ppc-2024-utilities", "a-later-case")
    result = case_file_import(actor=regulator_staff, text_or_path=text.replace("second-case", "second-case-b"))
    assert result.pending_links == ("a-later-case",)
    assert not CaseLink.objects.filter(from_case__code="second-case-b").exists()
