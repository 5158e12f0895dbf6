"""The access log: append-only in the database, chained by hash, tampering found by the verifier."""

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import InternalError, connection, transaction
from django.test import RequestFactory

from compliance.audit import GENESIS_HASH, access_log_denied, access_log_verify
from compliance.models import AccessLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(regulator_staff) -> list[AccessLogEntry]:
    request = RequestFactory().get("/somewhere/", REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="tests")
    request.user = regulator_staff
    return [access_log_denied(request=request, object_type="test.record", object_id=str(n)) for n in range(5)]


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


@pytest.mark.parametrize("statement", ["UPDATE {table} SET username = 'x'", "DELETE FROM {table}"])
def test_the_database_refuses_updates_and_deletes(entries, statement):
    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=AccessLogEntry._meta.db_table))


def test_an_update_made_with_the_trigger_disabled_is_found(entries):
    table = AccessLogEntry._meta.db_table
    tampered = entries[2]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(f"UPDATE {table} SET object_id = 'something else' WHERE id = %s", [tampered.pk])
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    check = access_log_verify()
    assert check.first_bad_id == tampered.pk
    with pytest.raises(CommandError, match=f"broken at entry {tampered.pk}"):
        call_command("verify_access_log")


def test_a_deleted_entry_breaks_the_link_of_the_next(entries):
    table = AccessLogEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entries[1].pk])
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    assert access_log_verify().first_bad_id == entries[2].pk
