"""Steps of the browser tests: visit a page and check it (status, console, accessibility, screenshot)."""

from __future__ import annotations

from pathlib import Path
from weakref import WeakKeyDictionary

from django.urls import NoReverseMatch, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Locator, Page, Response

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# Per page: the folder for its screenshots and the console errors not yet reported.
_watched: WeakKeyDictionary[Page, dict] = WeakKeyDictionary()

# Form controls without a label (a <label>, aria-label or aria-labelledby with text), hidden and buttons aside.
UNLABELLED_CONTROLS_JS = """
() => {
  const skipped = new Set(["hidden", "submit", "button", "reset", "image"]);
  const text = (el) => (el ? el.textContent : "").trim();
  return [...document.querySelectorAll("input, select, textarea")]
    .filter((el) => !skipped.has((el.getAttribute("type") || "").toLowerCase()))
    .filter((el) => {
      if ([...(el.labels || [])].some((label) => text(label))) return false;
      if ((el.getAttribute("aria-label") || "").trim()) return false;
      const ids = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
      return !ids.some((id) => text(document.getElementById(id)));
    })
    .map((el) => el.outerHTML.slice(0, 160));
}
"""

# Each stylesheet the page links to, and how many rules the browser read from it (0 or null: not loaded).
STYLESHEETS_JS = """
() => [...document.querySelectorAll('link[rel="stylesheet"]')].map((link) => {
  let rules = null;
  try { rules = link.sheet ? link.sheet.cssRules.length : null; } catch (error) { rules = null; }
  return [link.href, rules];
})
"""


def watch(page: Page, screenshot_dir: Path) -> None:
    """Collect the page's console errors and uncaught exceptions, and remember where its screenshots go."""
    state = {"dir": screenshot_dir, "errors": []}
    _watched[page] = state

    def on_console(message) -> None:
        # Browsers ask for /favicon.ico by themselves; the site has none, which is no error of a page.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            state["errors"].append(f"{message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: state["errors"].append(str(error)))


def visit(page: Page, url: str, name: str, *, phone: bool = False) -> Response:
    """Go to `url`, expect a status below 400, then check the page and save its screenshot as `name`."""
    response = page.goto(url)
    assert response is not None, f"{name}: no response for {url}"
    assert response.status < 400, f"{name}: {url} answered {response.status}"
    check_page(page, name, phone=phone)
    return response


def follow(page: Page, target: Locator, name: str, *, phone: bool = False) -> Response:
    """Click a link or button that loads another page, expect a status below 400, then check that page."""
    with page.expect_navigation() as navigation:
        target.click()
    response = navigation.value
    assert response is not None, f"{name}: no response after the click on {page.url}"
    assert response.status < 400, f"{name}: {response.url} answered {response.status}"
    check_page(page, name, phone=phone)
    return response


def check_page(page: Page, name: str, *, phone: bool = False) -> None:
    """The page as it is now: no console error, styled, accessible basics, then a full-page screenshot."""
    page.wait_for_load_state("load")
    state = _watched[page]
    errors, state["errors"] = state["errors"], []
    assert not errors, f"{name}: console errors on {page.url}: {errors}"
    sheets = page.evaluate(STYLESHEETS_JS)
    assert sheets, f"{name}: no stylesheet linked on {page.url}"
    assert all(rules for _href, rules in sheets), f"{name}: a stylesheet did not load on {page.url}: {sheets}"
    assert_accessible_basics(page, name)
    screenshot(page, name, phone=phone)


def assert_accessible_basics(page: Page, name: str) -> None:
    """Every form control labelled, exactly one h1, and a lang attribute on <html>."""
    unlabelled = page.evaluate(UNLABELLED_CONTROLS_JS)
    assert not unlabelled, f"{name}: form controls without a label on {page.url}: {unlabelled}"
    assert page.locator("h1").count() == 1, f"{name}: {page.locator('h1').count()} h1 elements on {page.url}"
    assert page.locator("html").get_attribute("lang"), f"{name}: <html> has no lang attribute on {page.url}"


def screenshot(page: Page, name: str, *, phone: bool = False) -> None:
    """Save the whole page as <SCREENSHOT_DIR>/<name>.png, and at a phone's width as <name>-phone.png."""
    folder = _watched[page]["dir"]
    page.screenshot(path=folder / f"{name}.png", full_page=True)
    if phone:
        page.set_viewport_size(PHONE)
        page.screenshot(path=folder / f"{name}-phone.png", full_page=True)
        page.set_viewport_size(LAPTOP)


def url_or_none(name: str, **kwargs) -> str | None:
    """The path of a URL name, or None when no such page exists (yet)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def current_token(person) -> str:
    """The code the person's authenticator app shows now."""
    device = TOTPDevice.objects.get(user=person, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def sign_in_with_form(page: Page, username: str, password: str, *, name: str) -> None:
    """Sign in through the sign-in page, as a person would."""
    visit(page, "/accounts/login/", f"{name}-sign-in")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    follow(page, page.locator("main button[type=submit]"), f"{name}-after-sign-in")


def table_rows(page: Page, table: str = "main table") -> list[str]:
    """The text of each body row of the tables matching the selector."""
    return [row.inner_text() for row in page.locator(f"{table} tbody tr").all()]


def export_csv_if_offered(page: Page, name: str) -> bytes | None:
    """Click the page's CSV export link when it has one and return the file's bytes; None when there is none."""
    links = page.locator('a[href*="format=csv"]')
    if links.count() == 0:
        return None
    with page.expect_download() as download_info:
        links.first.click()
    path = download_info.value.path()
    data = Path(path).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), f"{name}: the CSV export does not start with the UTF-8 BOM: {data[:20]!r}"
    return data
