"""Reading the access log in tests: the records its read entries name."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from compliance.access_chain import access_log_chain
from compliance.models import AccessLogEntry


def chained(entries: list[AccessLogEntry]) -> list[AccessLogEntry]:
    """The entries as the sequencer chained them: it runs first (as beat would, seconds later), then each is read
    again with its position and hashes."""
    access_log_chain()
    by_id = AccessLogEntry.objects.in_bulk([entry.pk for entry in entries])
    return [by_id[entry.pk] for entry in entries]


def records_read(entries: Iterable[AccessLogEntry], record_type: str | None = None) -> list[tuple[str, str]]:
    """Every (type, id) the read entries name, of `record_type` alone if given, in the entries' order."""
    found = []
    for entry in entries:
        for record in entry.records:
            if record_type is None or record["type"] == record_type:
                found.append((record["type"], record["id"]))
    return found


def ids_read(entries: Iterable[AccessLogEntry], record_type: str) -> set[str]:
    """The ids of the records of `record_type` the entries read."""
    return {record_id for _, record_id in records_read(entries, record_type)}


def tampered(*statements: tuple[str, list]) -> None:
    """Run statements as the table's owner could: with the triggers of the access log and of each of its partitions
    disabled, then enabled again."""
    table = AccessLogEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass", [table])
        tables = [table, *(row[0] for row in cursor.fetchall())]
        for name in tables:
            cursor.execute(f"ALTER TABLE {name} DISABLE TRIGGER USER")
        for sql, parameters in statements:
            cursor.execute(sql, parameters)
        for name in tables:
            cursor.execute(f"ALTER TABLE {name} ENABLE TRIGGER USER")
