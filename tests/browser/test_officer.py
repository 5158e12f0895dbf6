"""A company's compliance officer in the browser: sign in, report progress, find it again, switch language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from remediation.models import Implementation, ProgressUpdate
from tests.browser.helpers import (
    export_csv_if_offered,
    follow,
    sign_in_with_form,
    table_rows,
    visit,
)
from tests.conftest import PASSWORD, submit_update

# Chromium keeps real time (cookies expire by it), so the live server does too.
pytestmark = [pytest.mark.browser, pytest.mark.real_clock]


def test_officer_signs_in_and_reports_progress_on_an_item(page, officer):
    sign_in_with_form(page, officer.username, PASSWORD, name="officer")
    expect(page.locator("header .account")).to_contain_text("officer-okinawa")

    visit(page, "/my-items/", "officer-my-items", phone=True)
    expect(page.locator("h1")).to_have_text("自社の未完了の項目")
    item = Implementation.objects.filter(company=officer.company).exclude(status="done").order_by("pk").first()
    assert item is not None, "the report leaves Okinawa with open items"
    row = page.locator("main tr", has_text=item.measure.code)
    expect(row).to_contain_text("沖縄電力")
    link = row.get_by_role("link", name="報告を提出する")

    follow(page, link, "officer-item")
    assert item.get_tracking_url() in page.url, page.url
    form = page.locator("form", has=page.locator("textarea[name=narrative]"))
    status_menu = form.get_by_label("状況")
    offered = status_menu.locator("option").all_inner_texts()
    assert "対応中" in offered, offered
    status_menu.select_option(label="対応中")
    narrative = "システム分離の設計を完了し、移行計画を取締役会に報告した。"
    form.get_by_label("進捗").fill(narrative)
    follow(page, form.get_by_role("button", name="報告を提出する"), "officer-update-submitted")
    update = ProgressUpdate.objects.get(company=officer.company, narrative=narrative)
    assert page.url.endswith(update.get_absolute_url())
    expect(page.locator("h1")).to_have_text("進捗報告")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("対応中")
    expect(facts).to_contain_text("officer-okinawa")
    expect(page.locator("main")).to_contain_text(narrative)
    expect(page.locator("main")).to_contain_text("確認待ち")

    follow(page, page.get_by_role("link", name="経緯の全体"), "officer-item-thread")
    expect(page.locator(f"#update-{update.pk}")).to_contain_text(narrative)


def test_officer_filters_progress_updates_by_status(page, officer, sign_in_as):
    items = Implementation.objects.filter(company=officer.company).exclude(status="done").order_by("pk")[:2]
    submit_update(officer, "blocked by the vendor's schedule", item=items[0], status="blocked")
    submit_update(officer, "work under way", item=items[1], status="in_progress")
    sign_in_as(officer)

    visit(page, "/progress-updates/", "officer-progress-updates")
    expect(page.locator("h1")).to_have_text("進捗報告")
    before = table_rows(page)
    assert len(before) == 2, before

    filters = page.locator("form.filters")
    filters.get_by_label("報告された状況").select_option("blocked")
    follow(page, filters.get_by_role("button", name="絞り込み"), "officer-progress-updates-blocked")
    assert re.search(r"[?&]status=blocked(&|$)", page.url), page.url
    after = table_rows(page)
    assert len(after) == 1, after
    assert "blocked by the vendor's schedule" in after[0]
    assert "停滞" in after[0]

    # The export, when the page offers it: the filtered rows, with the BOM that Excel needs to read UTF-8.
    exported = export_csv_if_offered(page, "officer-progress-updates-export")
    if exported is not None:
        text = exported.decode("utf-8-sig")
        assert "blocked by the vendor's schedule" in text
        assert "work under way" not in text, "the export ignores the filter shown on the page"


def test_officer_switches_to_english_and_it_is_remembered(page, officer, sign_in_as):
    sign_in_as(officer)
    visit(page, "/my-items/", "officer-my-items-ja")
    assert page.locator("html").get_attribute("lang") == "ja"
    expect(page.locator("header nav")).to_contain_text("自社の項目")

    # Each language is named in itself, whichever language the page is in.
    switch = page.locator("header form.language")
    expect(switch.locator("[aria-current=true]")).to_have_text("日本語")
    follow(page, switch.get_by_role("button", name="English"), "officer-my-items-en")
    assert page.url.endswith("/my-items/"), page.url
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("h1")).to_have_text("My company's open items")
    expect(page.locator("header nav")).to_contain_text("My items")

    visit(page, "/progress-updates/", "officer-progress-updates-en")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("h1")).to_have_text("Progress updates")
    expect(page.locator("header form.language [aria-current=true]")).to_have_text("English")
    expect(page.locator("header form.language button")).to_have_text("日本語")
