"""The parser of typed law references: every form people type, and every refusal with the form expected."""

import pytest
from django.utils import translation

from cases.law_references import (
    LawReferenceError,
    ParsedReference,
    format_en,
    format_ja,
    kanji_number,
    parse_article,
    parse_reference,
    parse_sub_item,
    reference_code,
)

LAWS = {
    "個人情報の保護に関する法律": "appi",
    "個人情報保護法": "appi",
    "電気事業法": "eba",
    "電気事業法施行規則": "eba-rules",
    "Electricity Business Act": "eba",
}


def parse(text, default_law="appi"):
    return parse_reference(text, laws=LAWS, default_law=default_law)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("電気事業法第二条の十七第一項", ParsedReference("eba", 2, (17,), 1)),
        ("法27条1項", ParsedReference("appi", 27, (), 1)),
        ("第２７条第１項", ParsedReference("appi", 27, (), 1)),
        ("第2条の17の2第1項第3号ロ", ParsedReference("appi", 2, (17, 2), 1, 3, 2)),
        ("電気事業法第2条の17第1項第2号イ", ParsedReference("eba", 2, (17,), 1, 2, 1)),
        ("個人情報保護法第百四十六条第一項", ParsedReference("appi", 146, (), 1)),
        ("法第23条", ParsedReference("appi", 23)),
        ("「法第147条」", ParsedReference("appi", 147)),
        ("電気事業法施行規則第3条", ParsedReference("eba-rules", 3)),
        ("電気事業法 第 2 条", ParsedReference("eba", 2)),
        ("第2条第1号", ParsedReference("appi", 2, (), None, 1)),
        ("Electricity Business Act第106条第3項", ParsedReference("eba", 106, (), 3)),
    ],
)
def test_typed_references_are_read_whole(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("27", 27),
        ("２７", 27),
        ("二十七", 27),
        ("二七", 27),
        ("十", 10),
        ("百四十六", 146),
        ("千二百", 1200),
        ("一〇", 10),
    ],
)
def test_numbers_in_kanji_and_digits(text, number):
    assert kanji_number(text) == number


@pytest.mark.parametrize("text", ["", "二二十", "x", "2条"])
def test_numbers_that_are_not(text):
    with pytest.raises(ValueError):
        kanji_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "法第27条第1項第",  # cut short
        "第27条第1項ン",  # ン is no sub-item
        "第27条イ",  # a sub-item without its item
        "第0条",
        "第27条第1項 and more",
        "所得税法第2条",  # a law the product does not know
        "27",
    ],
)
def test_what_cannot_be_read_whole_is_refused_with_the_form_expected(text):
    with pytest.raises(LawReferenceError) as refused:
        parse(text)
    assert "電気事業法第2条の17第1項第2号イ" in str(refused.value)


def test_without_a_law_of_the_case_a_bare_article_is_refused():
    with translation.override("en"), pytest.raises(LawReferenceError, match="does not say which law"):
        parse("法第27条", default_law=None)
    assert parse("電気事業法第27条", default_law=None).law == "eba"


def test_refusals_in_japanese_and_english():
    with translation.override("ja"), pytest.raises(LawReferenceError) as japanese:
        parse("法第27条第", default_law="appi")
    with translation.override("en"), pytest.raises(LawReferenceError) as english:
        parse("法第27条第", default_law="appi")
    assert "cannot be read as a law reference" in str(english.value)
    assert "法令の参照として読めません" in str(japanese.value)
    with translation.override("ja"), pytest.raises(LawReferenceError) as no_law:
        parse("法第27条", default_law=None)
    assert "事案の法令もありません" in str(no_law.value)


@pytest.mark.parametrize(
    ("text", "parts"),
    [(27, (27, ())), ("27", (27, ())), ("2の17", (2, (17,))), ("2の17の2", (2, (17, 2))), ("第2条の17", (2, (17,))),
     ("２の１７", (2, (17,))), ("2-17", (2, (17,))), ("二の十七", (2, (17,)))],
)  # fmt: skip
def test_article_numbers_with_branches(text, parts):
    assert parse_article(text) == parts


@pytest.mark.parametrize("text", ["2の", "の17", "2の0", 0, -1, "abc", "2.17"])
def test_article_numbers_refused(text):
    with pytest.raises(LawReferenceError):
        parse_article(text)


def test_sub_items_in_iroha_order():
    assert [parse_sub_item(k) for k in "イロハニ"] == [1, 2, 3, 4]
    assert parse_sub_item(None) is None
    assert parse_sub_item("") is None
    for wrong in ("A", "イロ", "ン", 0, 99):
        with pytest.raises(LawReferenceError):
            parse_sub_item(wrong)


def test_written_back_with_the_laws_name_in_each_language():
    assert format_ja("電気事業法", 2, (17,), 1, 2, 1) == "電気事業法第2条の17第1項第2号イ"
    assert format_en("Electricity Business Act", 2, (17,), 1, 2, 1) == "Electricity Business Act, Art. 2-17(1)(ii)(a)"
    assert format_ja("個人情報保護法", 23) == "個人情報保護法第23条"
    assert format_en("Act on the Protection of Personal Information", 146, (), 1) == (
        "Act on the Protection of Personal Information, Art. 146(1)"
    )
    assert format_en("X", 2, (17, 2), None, 14, 3) == "X, Art. 2-17-2(xiv)(c)"


def test_codes_made_for_new_references_keep_provisions_apart():
    assert reference_code("eba", 2, (17,), 1) == "eba-2no17-1"
    assert reference_code("eba", 2, (), 1) == "eba-2-1"
    assert reference_code("eba", 2, (17,), 1, 2, 1) == "eba-2no17-1-i2-a"
    assert reference_code("appi", 146, (), 1) == "appi-146-1"
