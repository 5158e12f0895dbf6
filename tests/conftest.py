"""Shared fixtures: the 2024-03-06 report is loaded once into the test database for every test."""

import pytest

from cases.models import Case
from cases.services import case_file_load


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated, with the report loaded once for the whole session."""
    with django_db_blocker.unblock():
        case_file_load()


@pytest.fixture
def case(db) -> Case:
    """The case of the 2024-03-06 report."""
    return Case.objects.get(code="ppc-2024-utilities")
