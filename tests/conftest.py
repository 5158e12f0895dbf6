"""Shared fixtures: the 2024-03-06 report loaded once, named people, and clients signed in as them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import Case
from compliance import clock
from compliance.choices import CompanyKind, Role
from compliance.models import Company, User
from compliance.partitions import Month, partition_ensure
from remediation.case_loading import case_file_load
from remediation.models import Implementation, ProgressUpdate
from remediation.services.progress_updates import progress_update_submit
from remediation.workflow import allowed_statuses
from tests.clock import _test_clock, at_test_moment, on_follow_up_day  # noqa: F401 - the clock of every test
from tests.real_services import running_postgres, running_redis, scratch_database_url

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated, with the access log's partitions made from 2024 on, as beat makes them ahead,
    and the report loaded once for the whole session."""
    with django_db_blocker.unblock(), at_test_moment():
        month = Month(2024, 1)
        while month <= Month.of(clock.now()).next().next():
            partition_ensure(month)
            month = month.next()
        case_file_load()


@pytest.fixture
def case(db) -> Case:
    """The case of the 2024-03-06 report."""
    return Case.objects.get(code="ppc-2024-utilities")


def make_person(username: str, role: str, company: Company | None = None) -> User:
    """A person with a known password."""
    return User.objects.create_user(username=username, password=PASSWORD, role=role, company=company)


def signed_in(user: User, *, second_factor: bool = True) -> Client:
    """A client signed in as `user`, its second factor verified when it has one."""
    client = Client()
    client.force_login(user)
    if second_factor:
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def etag(client: Client, url: str) -> str:
    """The ETag of the record at `url`, read as a client reads it before changing it (its `If-Match`)."""
    return client.get(url)["ETag"]


def submit_update(officer: User, narrative: str = "private progress", **fields) -> ProgressUpdate:
    """A progress update by `officer` on the first open implementation of their company."""
    item = fields.pop("item", None) or (
        Implementation.objects.filter(company=officer.company).exclude(status="done").order_by("pk").first()
        or Implementation.objects.filter(company=officer.company).order_by("pk").first()
    )
    item.refresh_from_db()
    status = fields.pop("status", None) or (allowed_statuses(item.status) or [item.status])[0]
    return progress_update_submit(
        actor=officer, item=item, item_version=item.version, status=status, narrative=narrative, **fields
    )


@pytest.fixture
def regulator_admin(db) -> User:
    return make_person("regulator-admin", Role.REGULATOR_ADMIN)


@pytest.fixture
def regulator_staff(db) -> User:
    return make_person("regulator-staff", Role.REGULATOR_STAFF)


@pytest.fixture
def officers(db) -> dict[str, User]:
    """One compliance officer for each regulated company, by company code."""
    regulated = Company.objects.exclude(kind=CompanyKind.CONTRACTOR)
    return {c.code: make_person(f"officer-{c.code}", Role.COMPANY_OFFICER, c) for c in regulated}


@pytest.fixture
def regulator_client(regulator_staff) -> Client:
    """A client signed in as regulator staff, second factor verified."""
    return signed_in(regulator_staff)


@pytest.fixture
def admin_client(regulator_admin) -> Client:
    """A client signed in as a regulator administrator, second factor verified."""
    return signed_in(regulator_admin)


@pytest.fixture
def officer_client(officers) -> Client:
    """A client signed in as the officer of Kansai's T&D operator."""
    return signed_in(officers["kansai-td"], second_factor=False)


@pytest.fixture
def redis_server():
    """A private redis-server that the test may stop and start again."""
    yield from running_redis()


@pytest.fixture
def scratch_database():
    """An empty database of its own on the test server, for a test whose processes commit for real."""
    yield from scratch_database_url()


@pytest.fixture(scope="module")
def module_scratch_database():
    """An empty database of its own on the test server for the tests of one module, which share what they build."""
    yield from scratch_database_url()


@pytest.fixture
def postgres_server():
    """A private PostgreSQL server that the test may shut down and start again (never the shared one)."""
    yield from running_postgres()


# Fault drills report what they sent and what they found afterwards. Each record rides on the test's report
# (`user_properties`), which pytest-xdist sends from its workers to the controller, where the summary prints.
DRILL_PROPERTY = "fault_drill"
DRILL_COUNTS = ("sent", "acknowledged", "present_after", "duplicates", "lost")


@pytest.fixture
def drill_report(request):
    """Record a fault drill's counts: `drill_report(sent=…, acknowledged=…, present_after=…, duplicates=…, lost=…)`.

    Other keyword arguments are printed after them. Call it before the drill's assertions, so that a failing
    drill still reports what it counted.
    """

    def record(**counts: int | float | str) -> None:
        missing = [name for name in DRILL_COUNTS if name not in counts]
        assert not missing, f"a drill reports {', '.join(missing)} too"
        request.node.user_properties.append((DRILL_PROPERTY, {"drill": request.node.name, **counts}))

    return record


def pytest_terminal_summary(terminalreporter):
    """One line a fault drill that ran: what it sent, what was acknowledged, what is there afterwards."""
    records = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, value in getattr(report, "user_properties", ()):
                if name == DRILL_PROPERTY and getattr(report, "when", "") == "call":
                    records[report.nodeid] = value
    if not records:
        return
    terminalreporter.section("fault drills")
    for nodeid in sorted(records):
        record = dict(records[nodeid])
        line = f"{record.pop('drill')}: " + ", ".join(f"{record.pop(n)} {n.replace('_', ' ')}" for n in DRILL_COUNTS)
        if record:
            line += " (" + ", ".join(f"{n.replace('_', ' ')} {v}" for n, v in record.items()) + ")"
        terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever language the test before it switched to."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
