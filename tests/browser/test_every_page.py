"""Every page a person reaches from the navigation, in both languages, on a laptop and on a phone.

For regulator staff, for a company's officer and for an anonymous reader of the public portal: follow the
header's, the footer's and each page's own navigation, then one link of each kind from the pages found, and on
every page at 1366×900 and 390×844 check that axe-core finds no serious or critical violation, that on the phone
nothing is wider than the screen and that no table cell is squeezed to one or two characters a line.

Each page's screenshot at both sizes goes to $SCREENSHOT_DIR/every-page/, its figures to ui-audit-*.json there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page

from compliance.choices import Role
from compliance.models import Company
from tests.browser.helpers import LAPTOP, PHONE
from tests.browser.page_audit import PageFindings, audit, links_on, page_kind, with_axe
from tests.conftest import make_person

# Chromium keeps real time (cookies expire by it), so the live server does too.
pytestmark = [pytest.mark.browser, pytest.mark.real_clock]

SIZES = {"laptop": LAPTOP, "phone": PHONE}
NAVIGATION = "header a, footer a, nav a"
CONTENT_LINKS = "main a"
# Enough to reach each kind of page two clicks from the navigation, not every record.
MOST_PAGES = 60


def pages_reached(page: Page, start: str) -> dict[str, str]:
    """The address of one page of each kind reachable from `start`: the navigation's, then those pages' links."""
    page.goto(start)
    found: dict[str, str] = {}
    frontier = [page.url, *links_on(page, NAVIGATION)]
    for depth in range(3):
        next_frontier: list[str] = []
        for url in frontier:
            kind = page_kind(url)
            if kind is None or kind in found or len(found) >= MOST_PAGES:
                continue
            response = page.goto(url)
            if response is None or response.status >= 400 or page_kind(page.url) != kind:
                continue
            found[kind] = url
            if depth < 2:
                next_frontier += links_on(page, f"{NAVIGATION}, {CONTENT_LINKS}")
        frontier = next_frontier
    return found


def audit_everywhere(page: Page, pages: dict[str, str], *, label: str, folder: Path) -> list[PageFindings]:
    """Each page at each size: audited, and its screenshot saved."""
    findings = []
    with_axe(page)
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        for kind, url in pages.items():
            page.goto(url)
            page.wait_for_load_state("load")
            name = f"{label}-{kind.replace(':', '-')}"
            findings.append(audit(page, name=name, size=size))
            page.screenshot(path=folder / f"{name}-{size}.png", full_page=True)
    return findings


def report(findings: list[PageFindings], *, label: str, folder: Path) -> None:
    """Write the figures, then fail with every problem found, in words."""
    figures = [finding.figures() for finding in findings]
    (folder / f"ui-audit-{label}.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1))
    problems = [problem for finding in findings for problem in finding.problems()]
    assert not problems, f"{len(problems)} problems for {label}:\n" + "\n".join(problems)


def in_language(page: Page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])


@pytest.fixture
def every_page_dir(screenshot_dir: Path) -> Path:
    folder = screenshot_dir / "every-page"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_page_of_regulator_staff(page, live_server, regulator, sign_in_as, language, every_page_dir):
    sign_in_as(regulator)
    in_language(page, live_server, language)
    pages = pages_reached(page, "/")
    assert {"remediation:dashboard", "remediation:review_queue", "compliance:access_log_list"} <= pages.keys(), pages
    label = f"regulator-{language}"
    report(audit_everywhere(page, pages, label=label, folder=every_page_dir), label=label, folder=every_page_dir)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_page_of_a_company_officer(page, live_server, sign_in_as, language, every_page_dir):
    officer = make_person("officer-kansai-td", Role.COMPANY_OFFICER, Company.objects.get(code="kansai-td"))
    sign_in_as(officer)
    in_language(page, live_server, language)
    pages = pages_reached(page, "/")
    assert "remediation:my_items" in pages, pages
    label = f"officer-{language}"
    report(audit_everywhere(page, pages, label=label, folder=every_page_dir), label=label, folder=every_page_dir)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_page_of_the_public_portal_and_signing_in(page, live_server, language, every_page_dir):
    in_language(page, live_server, language)
    pages = pages_reached(page, "/public/") | pages_reached(page, "/accounts/login/")
    assert {"public:case_list", "public:case_detail", "accounts:login"} <= pages.keys(), pages
    label = f"public-{language}"
    report(audit_everywhere(page, pages, label=label, folder=every_page_dir), label=label, folder=every_page_dir)
