"""Regulator staff in the browser: sign in with the second factor, review an update, follow the case."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from cases.models import Case
from remediation.models import Implementation, Reminder
from remediation.services.reminders import reminder_sweep
from tests.browser.conftest import CASE_CODE
from tests.browser.helpers import (
    current_token,
    follow,
    sign_in_with_form,
    table_rows,
    url_or_none,
    visit,
)
from tests.conftest import PASSWORD, submit_update

# Chromium keeps real time (cookies expire by it), so the live server does too.
pytestmark = [pytest.mark.browser, pytest.mark.real_clock]


def test_regulator_signs_in_with_the_second_factor_and_accepts_an_update(page, officer, regulator):
    item = Implementation.objects.get(company=officer.company, measure__code="td-1-m3")
    assert item.status == "planned"
    narrative = "移行計画の第一段階を完了した。"
    update = submit_update(officer, narrative, item=item, status="in_progress")

    sign_in_with_form(page, regulator.username, PASSWORD, name="regulator")
    assert "/accounts/second-factor/" in page.url, page.url
    expect(page.locator("h1")).to_have_text("二要素認証")
    page.get_by_label("認証アプリの確認コード").fill(current_token(regulator))
    follow(page, page.locator("main").get_by_role("button", name="確認", exact=True), "regulator-verified")
    assert "/accounts/" not in page.url, page.url
    expect(page.locator("header .account")).to_contain_text("regulator-staff")

    visit(page, "/reviews/", "regulator-review-queue")
    expect(page.locator("h1")).to_have_text("確認待ち一覧")
    row = page.locator("main table tbody tr", has_text=narrative)
    expect(row).to_contain_text("沖縄電力")
    follow(page, row.locator(f'a[href="{update.get_absolute_url()}"]'), "regulator-update-to-review")
    review = page.locator("form.review-form")
    review.get_by_label("受理する").check()
    follow(page, review.get_by_role("button", name="確認結果を記録する"), "regulator-update-accepted")
    assert page.url.endswith(update.get_absolute_url()), page.url
    expect(page.locator("main")).to_contain_text("受理")
    expect(page.locator("main")).to_contain_text("regulator-staff")
    expect(page.locator("form.review-form")).to_have_count(0)
    update.refresh_from_db()
    item.refresh_from_db()
    assert (update.review_state, item.status) == ("accepted", "in_progress")

    visit(page, "/reviews/", "regulator-review-queue-empty")
    expect(page.locator("main table tbody")).not_to_contain_text(narrative)

    reminder_sweep(today=datetime.date(2026, 11, 25))  # a day with reminders owed, whatever the real date
    visit(page, "/reminders/", "regulator-reminders")
    expect(page.locator("h1")).to_have_text("督促")
    sent = Reminder.objects.order_by("-planned_for", "-pk")
    assert sent.exists(), "the sweep sent no reminder: nothing to show"
    reminders = table_rows(page)
    assert len(reminders) == min(sent.count(), 100), (len(reminders), sent.count())
    assert sent[0].company.name_ja in reminders[0], reminders[0]

    case = Case.objects.get(code=CASE_CODE)
    visit(page, f"/cases/{CASE_CODE}/", "regulator-case", phone=True)
    expect(page.locator("h1")).to_have_text(case.title_ja)
    follow(page, page.locator("nav.case-nav").get_by_role("link", name="未完了の項目"), "regulator-open-items")
    assert page.url.endswith(f"/cases/{CASE_CODE}/open-items/"), page.url
    expect(page.locator("h1")).to_have_text("未完了の項目")
    accepted = page.locator("main table tbody tr", has_text="沖縄電力").filter(has_text="td-1-m3")
    expect(accepted).to_contain_text("対応中")


def test_regulator_walks_the_dashboard(page, regulator, sign_in_as):
    dashboard = url_or_none("remediation:dashboard")
    if dashboard is None:
        pytest.skip("dashboard not built yet: the URL name remediation:dashboard does not resolve")
    sign_in_as(regulator)
    visit(page, dashboard, "regulator-dashboard", phone=True)
    assert page.url.endswith(dashboard), f"the dashboard sent the regulator elsewhere: {page.url}"
    expect(page.locator("h1")).not_to_be_empty()
