"""Browser tests: headless Chromium driven by Playwright against pytest-django's live server.

Each test runs in a fresh browser context; the live server needs committed data, so every test is
transactional and the database is flushed after it. The report is loaded again after that flush, so
tests that run later in the same process still find it.

Django's flush truncates every table, and the database refuses to truncate the access log
(`compliance.models.audit.REFUSE_TRUNCATE`). That one trigger is lifted here, for the teardown of a browser
test only, in this thread's connection only (django-pgtrigger's `ignore`); nowhere else, and never in the product.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pgtrigger
import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import Case
from compliance.choices import Role
from compliance.models import Company, User
from compliance.models.audit import REFUSE_TRUNCATE
from remediation.case_loading import case_file_load
from tests.conftest import make_person

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CASE_CODE = "ppc-2024-utilities"
# Set on a test whose live server database was flushed after it, which then needs the report again.
USED_THE_DATABASE = pytest.StashKey[bool]()


def report_ensure() -> None:
    """Load the 2024-03-06 report unless it is there already."""
    if not Case.objects.filter(code=CASE_CODE).exists():
        case_file_load()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """Flush after a browser test with the access log's truncate trigger lifted; then load the report again for the
    tests that follow in this process."""
    used_the_database = item.stash.get(USED_THE_DATABASE, False)
    lifted = pgtrigger.ignore(f"compliance.AccessLogEntry:{REFUSE_TRUNCATE.name}")
    with lifted if used_the_database else contextlib.nullcontext():
        result = yield
    # After the last test the test database is gone already; a skipped test never had it.
    if nextitem is not None and used_the_database:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            report_ensure()
    return result


@pytest.fixture(scope="module")
def chromium(request: pytest.FixtureRequest) -> Iterator:
    """A headless Chromium for one module; the browser tests skip when it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Chromium (apt-get install -y chromium) to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright not installed: pip install -e '.[dev]'")
    # The test database first, its connection made outside Playwright's loop (see below).
    request.getfixturevalue("django_db_setup")
    # While Playwright's sync API is up, an event loop runs in this thread and Django refuses ORM calls from
    # it; the tests' calls are plain synchronous ones, so allow them until Playwright stops.
    allow_before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
            yield browser
            browser.close()
            # With the loop running, Django keeps this thread's connections apart from those it uses without
            # (asgiref's Local): close them while they can be reached, or they block dropping the test database.
            connections.close_all()
    finally:
        if allow_before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = allow_before


@pytest.fixture
def report(request: pytest.FixtureRequest, live_server) -> None:
    """The report in the live server's database (the flush after an earlier browser test removes it)."""
    request.node.stash[USED_THE_DATABASE] = True
    report_ensure()


@pytest.fixture
def screenshot_dir() -> Path:
    """Where the pages' screenshots go: $SCREENSHOT_DIR, by default var/screenshots/."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / "var" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(chromium, live_server, report, screenshot_dir) -> Iterator:
    """A page in a fresh context at a laptop's size, in Japanese like most of the site's readers."""
    from tests.browser.helpers import LAPTOP, watch

    context = chromium.new_context(
        base_url=live_server.url, viewport=LAPTOP, locale="ja-JP", timezone_id="Asia/Tokyo", accept_downloads=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    watch(page, screenshot_dir)
    yield page
    context.close()


@pytest.fixture
def officer(report) -> User:
    """The compliance officer of Okinawa Electric Power."""
    return make_person("officer-okinawa", Role.COMPANY_OFFICER, Company.objects.get(code="okinawa"))


@pytest.fixture
def regulator(report) -> User:
    """Regulator staff with a confirmed authenticator app (TOTP device)."""
    person = make_person("regulator-staff", Role.REGULATOR_STAFF)
    TOTPDevice.objects.create(user=person, name="authenticator", confirmed=True)
    return person


@pytest.fixture
def sign_in_as(page, live_server):
    """Sign a person in without the form: a test client's session, second factor verified when they have one."""

    def sign_in(person: User) -> None:
        client = Client()
        client.force_login(person)
        device = TOTPDevice.objects.filter(user=person, confirmed=True).first()
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        name = settings.SESSION_COOKIE_NAME
        page.context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": live_server.url}])

    return sign_in
