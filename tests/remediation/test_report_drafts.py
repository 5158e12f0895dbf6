"""Report drafts: every PDF page numbered and, until approved, marked DRAFT; era dates in Japanese; English lists
joined with commas; and a note when statuses are held back until the regulator publishes them."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from cases.models import Case
from remediation.reports import report_draft_approve, report_draft_create, report_pdf

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
REPORT_DAY = datetime.date(2024, 3, 6)
HELD_BACK_JA = "各項目の状況は表示されません"
HELD_BACK_EN = "The status of each item is not shown"


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def draft(case, regulator_staff):
    return report_draft_create(actor=regulator_staff, case=case, as_of=REPORT_DAY)


@pytest.mark.parametrize(("language", "mark"), [("ja", "ドラフト"), ("en", "DRAFT")])
def test_every_page_is_numbered_and_marked_draft_until_approved(draft, regulator_admin, language, mark):
    texts = pages(report_pdf(draft, language))
    assert len(texts) > 1
    for number, text in enumerate(texts, start=1):
        assert f"{number} / {len(texts)}" in text, number
        assert mark in text, number
    report_draft_approve(actor=regulator_admin, draft=draft)
    draft.refresh_from_db()
    approved = pages(report_pdf(draft, language))
    assert all(f"{n} / {len(approved)}" in text for n, text in enumerate(approved, start=1))
    assert not any(mark in text for text in approved)


def test_japanese_dates_read_in_the_era_form_and_english_ones_in_iso(draft):
    ja = "".join(pages(report_pdf(draft, "ja")))
    assert "令和6年3月6日時点" in ja.replace("\n", "")
    assert "令和5年6月29日" in ja
    assert not re.search(r"\d{4}-\d{2}-\d{2}", ja)
    en = "".join(pages(report_pdf(draft, "en")))
    assert "2024-03-06" in en and "令和" not in en


def test_english_lists_of_companies_are_joined_with_commas(draft):
    en = "".join(pages(report_pdf(draft, "en"))).replace("\n", " ")
    assert "、" not in en
    assert re.search(r"[A-Za-z)], [A-Z]", en)
    assert "、" in "".join(pages(report_pdf(draft, "ja")))


def test_held_back_statuses_are_said_in_the_pdf_and_the_pages(draft, regulator_client, regulator_staff):
    assert not draft.case.status_public
    assert HELD_BACK_JA in "".join(pages(report_pdf(draft, "ja"))).replace("\n", "")
    assert HELD_BACK_EN in "".join(pages(report_pdf(draft, "en"))).replace("\n", " ")
    page = regulator_client.get(reverse("remediation:report_draft_detail", args=[draft.pk])).content.decode()
    assert HELD_BACK_JA in page
    regulator_client.cookies["django_language"] = "en"
    with translation.override("en"):
        english = regulator_client.get(reverse("remediation:report_draft_detail", args=[draft.pk])).content.decode()
    assert HELD_BACK_EN in english
    concerned = re.findall(r'<td rowspan="\d+">([^<]*(?:, [^<]*)+)</td>', english)
    assert concerned and not any("、" in cell for cell in concerned)

    Case.objects.filter(pk=draft.case.pk).update(status_public=True)
    published = report_draft_create(actor=regulator_staff, case=Case.objects.get(pk=draft.case.pk), as_of=REPORT_DAY)
    assert HELD_BACK_JA not in "".join(pages(report_pdf(published, "ja"))).replace("\n", "")
