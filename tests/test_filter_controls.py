"""Filter and form controls speak in words: "All" for no choice, All / Yes / No, date pickers, names in English."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from compliance.forms import JapaneseDateField
from remediation.filtersets import ReminderFilterSet
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def select(page: str, name: str) -> list[tuple[str, str]]:
    """The options of a menu: (value, label)."""
    menu = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert menu, name
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', menu.group(1))


def page_in(client, url: str, language: str) -> str:
    client.cookies["django_language"] = language
    with translation.override(language):
        return client.get(url).content.decode()


def test_yes_or_no_filters_offer_all_yes_no_and_no_choice_is_all(regulator_client):
    page = page_in(regulator_client, reverse("remediation:reminder_list"), "ja")
    assert select(page, "sent") == [("unknown", "すべて"), ("true", "はい"), ("false", "いいえ")]
    assert select(page, "late")[0] == ("unknown", "すべて")
    assert select(page, "rule")[0] == ("", "すべて")
    assert "---------" not in page and "不明" not in page
    page = page_in(regulator_client, reverse("remediation:reminder_list"), "en")
    assert select(page, "sent") == [("unknown", "All"), ("true", "Yes"), ("false", "No")]


def test_yes_or_no_filters_still_read_what_they_read(regulator_client):
    assert ReminderFilterSet({"sent": "true"}).form.is_valid()
    url = reverse("remediation:reminder_list")
    for value in ("unknown", "true", "false"):
        assert regulator_client.get(url, {"sent": value}).status_code == 200


def test_date_filters_and_date_fields_use_the_date_picker_and_keep_checking_on_the_server(regulator_client):
    page = page_in(regulator_client, reverse("remediation:progress_update_list"), "ja")
    assert re.search(r'<input type="date" name="submitted_from"', page)
    response = regulator_client.get(reverse("remediation:progress_update_list"), {"submitted_from": "2026-13-01"})
    assert response.status_code in (200, 400)  # a date no calendar has filters nothing; no server error
    field = JapaneseDateField()
    assert 'type="date"' in field.widget.render("d", None)
    assert field.clean("令和８年３月１日").isoformat() == "2026-03-01"  # typed or sent otherwise: still read


def test_law_articles_and_safeguard_types_are_named_in_the_pages_language(case, regulator_client):
    url = reverse("cases:finding_list", args=[case.code])
    ja, en = page_in(regulator_client, url, "ja"), page_in(regulator_client, url, "en")
    articles_ja, articles_en = dict(select(ja, "article")), dict(select(en, "article"))
    assert articles_ja[""] == "すべて" and articles_en[""] == "All"
    assert articles_ja["appi-20-1"] == "個人情報保護法第20条第1項 適正な取得"
    assert articles_en["appi-20-1"] == "Act on the Protection of Personal Information, Art. 20(1) Proper acquisition"
    # Grouped by law: one <optgroup> per law, so that 第23条 of two laws are never mixed.
    assert '<optgroup label="個人情報保護法">' in ja
    types_ja, types_en = dict(select(ja, "safeguard_type")), dict(select(en, "safeguard_type"))
    assert types_ja["technical"] == "技術的安全管理措置"
    assert types_en["technical"] == "Technical security control measures"
    assert not any(re.search(r"[ぁ-んァ-ン一-龥]", label) for label in [*articles_en.values(), *types_en.values()])


def test_the_review_queue_names_safeguard_types_in_english(officers, regulator_staff):
    client = signed_in(regulator_staff)
    page = page_in(client, reverse("remediation:review_queue"), "en")
    assert dict(select(page, "safeguard_type"))["human"] == "Human security control measures"


@pytest.mark.dates  # the report form offers today as its day
def test_menus_of_forms_name_their_empty_choice_in_words(case, admin_client):
    page = page_in(admin_client, reverse("remediation:report_draft_list"), "ja")
    assert select(page, "case")[0] == ("", "選択してください")
    page = page_in(admin_client, reverse("cases:finding_create", args=[case.code]), "en")
    assert "---------" not in page and "Choose one" in page
