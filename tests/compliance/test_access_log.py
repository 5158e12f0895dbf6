"""The access log: append-only in the database (no update, delete or truncate), chained by hash, tampering found."""

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import InternalError, connection, transaction
from django.test import RequestFactory
from django.utils import translation

from compliance.audit import GENESIS_HASH, access_log_denied, access_log_read_rows
from compliance.log_check import access_log_verify
from compliance.models import AccessLogEntry
from tests.access_log import chained
from tests.access_log import tampered as lifted

pytestmark = pytest.mark.django_db
TABLE = AccessLogEntry._meta.db_table


@pytest.fixture(autouse=True)
def _english():
    """The verifier's messages are translated; these tests read them in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def entries(regulator_staff) -> list[AccessLogEntry]:
    request = RequestFactory().get("/somewhere/", REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="tests")
    request.user = regulator_staff
    return chained([access_log_denied(request=request, object_type="test.record", object_id=str(n)) for n in range(5)])


def test_each_entry_carries_the_hash_of_the_one_before(entries):
    first = AccessLogEntry.objects.order_by("id").first()
    assert first.previous_hash == GENESIS_HASH or AccessLogEntry.objects.count() > len(entries)
    for before, after in itertools.pairwise(entries):
        assert after.previous_hash == before.entry_hash
    assert entries[0].ip_address == "192.0.2.7"
    assert entries[0].username == "regulator-staff"


def test_the_chain_verifies_on_clean_data(entries, capsys):
    assert access_log_verify().intact
    call_command("verify_access_log")
    assert "intact" in capsys.readouterr().out


@pytest.mark.parametrize(
    "statement",
    ["UPDATE {table} SET username = 'x'", "DELETE FROM {table}", "TRUNCATE {table}", "TRUNCATE {table} CASCADE"],
)
def test_the_database_refuses_updates_deletes_and_truncation(entries, statement):
    before = list(AccessLogEntry.objects.order_by("id").values_list("id", "entry_hash"))
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # or TRUNCATE is refused for the test's deferred checks
    with pytest.raises(InternalError, match="pgtrigger: Cannot"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=TABLE))
    assert list(AccessLogEntry.objects.order_by("id").values_list("id", "entry_hash")) == before


def test_djangos_flush_cannot_empty_the_log(entries):
    """`manage.py flush` truncates every table in one statement: refused, and nothing of any table is gone."""
    count = AccessLogEntry.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(CommandError, match="couldn't be flushed") as refused:
        call_command("flush", interactive=False, verbosity=0)
    assert "the access log is append-only" in str(refused.value.__cause__)
    assert AccessLogEntry.objects.count() == count


def test_an_update_made_with_the_trigger_disabled_is_found(entries):
    tampered = entries[2]
    lifted((f"UPDATE {TABLE} SET object_id = 'something else' WHERE id = %s", [tampered.pk]))
    check = access_log_verify()
    assert check.first_bad_id == tampered.pk and not check.intact
    with pytest.raises(CommandError, match=f"broken at entry {tampered.pk}:"):
        call_command("verify_access_log")


@pytest.mark.parametrize(
    "change",
    [
        "records = records - 1",  # a record read taken out of the list
        """records = records || '[{"type": "remediation.progressupdate", "id": "999", "company": 1}]'""",
        "records = '[]'",  # the list emptied
    ],
)
def test_a_changed_list_of_records_read_is_found(entries, regulator_staff, change):
    """The records an entry read are covered by its hash: the tampered entry is named exactly."""
    request = RequestFactory().get("/progress-updates/")
    request.user = regulator_staff
    [read] = access_log_read_rows(request=request, object_type="history", object_ids=["a:1", "a:2", "a:3"])
    assert len(read.records) == 3
    access_log_denied(request=request, object_type="test.record", object_id="after")
    assert access_log_verify().intact
    lifted((f"UPDATE {TABLE} SET {change} WHERE id = %s", [read.pk]))
    check = access_log_verify()
    assert check.first_bad_id == read.pk and not check.intact


def test_entries_written_before_the_list_of_records_keep_their_hashes(entries):
    """An entry without records hashes as it did before the list existed: its content has no `records` key."""
    entry = AccessLogEntry.objects.get(pk=entries[0].pk)
    assert entry.records == [] and "records" not in entry.chained_fields()
    assert entry.compute_hash() == entry.entry_hash


def test_a_deleted_entry_breaks_the_link_of_the_next(entries):
    lifted((f"DELETE FROM {TABLE} WHERE id = %s", [entries[1].pk]))
    assert access_log_verify().first_bad_id == entries[2].pk
