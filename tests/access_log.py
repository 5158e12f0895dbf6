"""Reading the access log in tests: the records its read entries name."""

from __future__ import annotations

from collections.abc import Iterable

from compliance.models import AccessLogEntry


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
