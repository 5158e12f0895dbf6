"""The sequencer of the access log: it chains the entries that requests wrote unchained, shortly after.

A request inserts its entry with no position and no hashes, and waits on no other request. The sequencer, one at a
time across every process (an advisory lock), takes the committed unchained entries in the order of their ids and
gives each the next position (1, 2, 3… with no gap, so that a missing entry is a missing position), the hash of the
entry before and its own hash. That one change is all the database lets through (`AccessLogEntry`'s trigger). An
entry committed late with a lower id is simply chained later. Celery beat runs it every few seconds
(`compliance.tasks.chain_access_log`); a checkpoint and a verification run it first; so does
`python manage.py chain_access_log`.
"""

from __future__ import annotations

import dataclasses

from django.db import connection, transaction

from compliance.audit import GENESIS_HASH
from compliance.models import AccessLogEntry
from compliance.models.audit import CHAINED_COLUMNS, chain_hash, chained_content

# The one lock of the chain: held by the sequencer alone, never by a request.
CHAIN_LOCK_KEY = 0x0ACC_E550
# Entries chained per transaction.
BATCH = 2000
CHAIN = (
    f"UPDATE {AccessLogEntry._meta.db_table} SET position = %s, previous_hash = %s, entry_hash = %s "  # nosec B608  # noqa: S608 (the model's own table)
    "WHERE id = %s AND at = %s"
)


@dataclasses.dataclass(frozen=True)
class ChainEnd:
    """The last chained entry: its position, id and hash (position 0 and the genesis hash before any)."""

    position: int
    entry_id: int
    entry_hash: str


def chain_end() -> ChainEnd:
    """The entry at the chain's highest position."""
    last = (
        AccessLogEntry.objects.filter(position__isnull=False)
        .order_by("-position")
        .values_list("position", "id", "entry_hash")
        .first()
    )
    return ChainEnd(*last) if last else ChainEnd(0, 0, GENESIS_HASH)


def access_log_chain(*, batch: int = BATCH) -> int:
    """Chain every entry committed unchained so far, lowest id first; how many it chained."""
    chained = 0
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
            done = _chain_batch(batch)
        chained += done
        if done < batch:
            return chained


def _chain_batch(batch: int) -> int:
    """Chain up to `batch` unchained entries after the chain's end; under the chain's lock."""
    end = chain_end()
    rows = list(
        AccessLogEntry.objects.filter(position__isnull=True).order_by("id").values_list("id", *CHAINED_COLUMNS)[:batch]
    )
    position, previous, updates = end.position, end.entry_hash, []
    for entry_id, *values in rows:
        position += 1
        entry_hash = chain_hash(previous, chained_content(values))
        updates.append((position, previous, entry_hash, entry_id, values[0]))
        previous = entry_hash
    if updates:
        with connection.cursor() as cursor:
            cursor.executemany(CHAIN, updates)
    return len(updates)


def unchained_before(moment) -> int:
    """How many entries written before `moment` are still unchained."""
    return AccessLogEntry.objects.filter(position__isnull=True, at__lt=moment).count()
