"""Shared fixtures: the 2024-03-06 report loaded once, named people, and clients signed in as them."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import Case
from cases.services import case_file_load
from compliance.choices import CompanyKind, Role
from compliance.models import Company, User
from remediation.models import Implementation, ProgressUpdate
from remediation.services import progress_update_submit
from remediation.workflow import allowed_statuses

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated, with the report loaded once for the whole session."""
    with django_db_blocker.unblock():
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
