"""Laws, instruments and law references as data: a second case under 電気事業法 entered through the API, every
reference stored whole or refused with the form expected (in Japanese and English), never cut short."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from cases import editing, editing_laws
from cases.models import Finding, Instrument, Law, LawArticle, SafeguardType
from compliance.models import Company
from tests.conftest import etag, signed_in

API = "/api/v1"


@pytest.fixture
def staff_api(regulator_staff) -> Client:
    return signed_in(regulator_staff)


def post(client: Client, resource: str, body: dict, language: str = "en"):
    return client.post(f"{API}/{resource}/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)


def test_the_two_laws_and_their_instruments_are_seeded(db):
    appi, eba = Law.objects.get(code="appi"), Law.objects.get(code="eba")
    assert (appi.short_name_ja, appi.number, appi.safeguards_required) == ("個人情報保護法", "平成15年法律第57号", True)
    assert (eba.short_name_en, eba.number, eba.safeguards_required) == (
        "Electricity Business Act",
        "昭和39年法律第170号",
        False,
    )
    assert {
        "guidance",
        "recommendation",
        "order",
        "report_request",
        "on_site_inspection",
        "publication",
        "decision",
    } <= set(appi.instruments.values_list("code", flat=True))
    assert set(eba.instruments.values_list("name_ja", flat=True)) >= {
        "業務改善命令", "業務改善勧告", "報告徴収", "立入検査", "弁明の機会の付与", "聴聞"
    }  # fmt: skip


def test_a_branch_numbered_article_is_its_own_reference_and_sorts_in_place(regulator_staff):
    make = lambda **parts: editing_laws.law_article_create(actor=regulator_staff, law="eba", **parts)  # noqa: E731
    branch = make(article="2の17", paragraph=1)
    plain = make(article=2, paragraph=1)  # no longer blocked as a duplicate of 第2条の17第1項
    deeper = make(article="2の17の2", paragraph=1, item=3, sub_item="ロ")
    third = make(article=3)
    assert (branch.reference_ja, branch.code) == ("電気事業法第2条の17第1項", "eba-2no17-1")
    assert deeper.reference_ja == "電気事業法第2条の17の2第1項第3号ロ"
    assert deeper.reference_en == "Electricity Business Act, Art. 2-17-2(1)(iii)(b)"
    assert list(LawArticle.objects.filter(law__code="eba")) == [plain, branch, deeper, third]
    with pytest.raises(ValidationError) as again:
        make(article="2の17", paragraph=1)
    assert "既に登録されています" in str(again.value)


def test_the_api_takes_a_reference_by_parts_and_keeps_every_part(staff_api, db):
    response = post(
        staff_api, "law-articles", {"law": "eba", "article": "2の17", "paragraph": 1, "item": 2, "sub_item": "イ"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["article"], body["paragraph"], body["item"], body["sub_item"]) == ("2の17", 1, 2, "イ")
    assert body["reference_ja"] == "電気事業法第2条の17第1項第2号イ"
    assert body["reference_en"] == "Electricity Business Act, Art. 2-17(1)(ii)(a)"
    typed = post(staff_api, "law-articles", {"text": "電気事業法第二条の十七第一項"})
    assert typed.status_code == 201 and typed.json()["reference_ja"] == "電気事業法第2条の17第1項"


@pytest.mark.parametrize(
    ("body", "field", "english", "japanese"),
    [
        ({"law": "eba", "article": 2, "clause": 1}, "clause", "not known here", "ここでは使えない項目"),
        ({"law": "eba", "article": "2の"}, "article", "is not an article number", "条の番号として読めません"),
        ({"law": "eba", "article": 2, "sub_item": "イ"}, "article", "give the item too", "号も指定してください"),
        ({"law": "eba", "article": 2, "sub_item": "A"}, "article", "is not a sub-item", "イロハの細分として読めません"),
        ({"text": "電気事業法第2条第"}, "text", "cannot be read as a law reference", "法令の参照として読めません"),
        ({"text": "所得税法第2条"}, "text", "names no law the product knows", "登録された法令を指していない"),
    ],
    ids=["unknown part", "article", "sub-item without item", "sub-item", "cut short", "unknown law"],
)
def test_a_reference_that_cannot_be_read_whole_is_refused_in_both_languages(
    staff_api, db, body, field, english, japanese
):
    before = LawArticle.objects.count()
    for language, words in (("en", english), ("ja", japanese)):
        response = post(staff_api, "law-articles", body, language)
        assert response.status_code == 400, response.content
        errors = response.json()["errors"]
        assert field in errors and words in " ".join(errors[field]), (language, errors)
    assert LawArticle.objects.count() == before


def test_a_case_under_the_electricity_business_act_through_the_api(staff_api, db):
    opened = post(
        staff_api,
        "cases",
        {"code": "meti-2026", "title_ja": "電気事業法の事案", "opened_on": "2026-04-01", "law": "eba"},
    )
    assert opened.status_code == 201 and opened.json()["law"] == "eba"
    action = post(
        staff_api,
        "regulatory-actions",
        {
            "case": "meti-2026",
            "code": "order-2026",
            "kind": "eba-business-improvement-order",
            "date": "2026-05-01",
            "title_ja": "業務改善命令",
            "articles": ["法第106条第3項", {"article": "2の17", "paragraph": 1, "item": 2}],
        },
    )
    assert action.status_code == 201, action.content
    cited = LawArticle.objects.filter(actions__code="order-2026")
    assert [a.reference_ja for a in cited] == ["電気事業法第2条の17第1項第2号", "電気事業法第106条第3項"]
    assert action.json()["kind"] == "eba-business-improvement-order"
    # A finding under 電気事業法 alone: no safeguard type needed, several references.
    finding = post(
        staff_api,
        "findings",
        {
            "case": "meti-2026",
            "code": "f-1",
            "side": "td_operator",
            "articles": ["電気事業法第23条第1項", "法第23条の2"],
            "affected_companies": ["kansai-td"],
            "text_ja": "禁止行為",
        },
    )
    assert finding.status_code == 201, finding.content
    assert Finding.objects.get(code="f-1").safeguard_types.count() == 0
    listed = staff_api.get(f"{API}/findings/", {"articles__law__code": "eba"}).json()
    assert [row["code"] for row in listed["results"]] == ["f-1"]
    by_instrument = staff_api.get(f"{API}/regulatory-actions/", {"instrument__law__code": "eba"}).json()
    assert [row["code"] for row in by_instrument["results"]] == ["order-2026"]


def test_a_finding_under_the_personal_data_law_names_a_safeguard_type(regulator_staff, case):
    for language, words in (("en", "names at least one safeguard type"), ("ja", "安全管理措置の区分を1つ以上")):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            editing.finding_create(
                actor=regulator_staff,
                case=case,
                code="new-1",
                side="td_operator",
                articles=["法第23条"],
                text_ja="x",
                affected_companies=[Company.objects.get(code="kansai-td")],
            )
        assert words in " ".join(refused.value.message_dict["safeguard_types"])
    assert not Finding.objects.filter(code="new-1").exists()
    finding = editing.finding_create(
        actor=regulator_staff,
        case=case,
        code="new-1",
        side="td_operator",
        articles=["法第23条"],
        safeguard_types=[SafeguardType.objects.get(code="technical")],
        text_ja="x",
        affected_companies=[Company.objects.get(code="kansai-td")],
    )
    assert [a.code for a in finding.articles.all()] == ["appi-23"]  # the case's law, the known reference


def test_instruments_are_data_an_administrator_extends(db):
    Instrument.objects.create(law=Law.objects.get(code="eba"), code="eba-license-revocation", name_ja="許可の取消し")
    assert Instrument.objects.filter(law__code="eba").count() == 8


def test_laws_and_instruments_are_kept_through_the_api_and_removed_only_when_unused(staff_api, officers, case):
    law = post(staff_api, "laws", {"code": "gba", "name_ja": "ガス事業法", "short_name_ja": "ガス事業法",
                                   "name_en": "Gas Business Act", "number": "昭和29年法律第51号"})  # fmt: skip
    assert law.status_code == 201, law.content
    made = post(staff_api, "instruments", {"code": "gba-order", "law": "gba", "name_ja": "業務改善命令"})
    assert made.status_code == 201 and made.json()["law"] == "gba"
    assert post(staff_api, "laws", {"code": "gba2", "name_ja": "x", "regulator": "ppc"}).status_code == 400
    order, gba = f"{API}/instruments/gba-order/", f"{API}/laws/gba/"
    renamed = staff_api.patch(order, {"name_en": "Business improvement order"},
                              content_type="application/json", HTTP_IF_MATCH=etag(staff_api, order))  # fmt: skip
    assert renamed.status_code == 200 and renamed.json()["name_en"] == "Business improvement order"
    for language, words in (("en", "cannot be removed"), ("ja", "削除できません")):
        refused = staff_api.delete(gba, headers={"Accept-Language": language, "If-Match": etag(staff_api, gba)})
        assert refused.status_code == 409 and words in refused.json()["detail"], refused.content
        guidance = f"{API}/instruments/guidance/"
        used = staff_api.delete(guidance, headers={"Accept-Language": language, "If-Match": etag(staff_api, guidance)})
        assert used.status_code == 409 and words in used.json()["detail"], used.content
    officer = signed_in(officers["kansai-td"])
    assert officer.delete(f"{API}/instruments/gba-order/").status_code == 404
    assert staff_api.delete(order, HTTP_IF_MATCH=etag(staff_api, order)).status_code == 204
    assert staff_api.delete(gba, HTTP_IF_MATCH=etag(staff_api, gba)).status_code == 204
    assert not Law.objects.filter(code="gba").exists() and not Instrument.objects.filter(code="gba-order").exists()
