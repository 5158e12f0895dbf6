"""The access log's monthly partitions (months of Tokyo): made ahead by a task, on demand by an insert that finds
none, listed, and detached and dropped once archived (`config.backup.access_log`).

There is no DEFAULT partition: a row of a month without its partition is refused by PostgreSQL, and the insert
makes the month's partition and tries again (`compliance.audit`), so that no month is ever caught in a DEFAULT
partition that would block its own partition later.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterable

from django.db import connection, transaction

from compliance import clock
from compliance.models import AccessLogEntry
from compliance.models.audit import REFUSE_TRUNCATE

TABLE = AccessLogEntry._meta.db_table
# Taken while a partition is made, so that two inserts finding the same month missing make it once.
PARTITION_LOCK_KEY = 0x0ACC_E551
PARTITION_NAME = re.compile(rf"{TABLE}_y(\d{{4}})m(\d{{2}})")
# The months made ahead of need, besides this one.
MONTHS_AHEAD = 2


@dataclasses.dataclass(frozen=True, order=True)
class Month:
    """One month of Tokyo, the span of one partition."""

    year: int
    month: int

    @classmethod
    def of(cls, moment: datetime.datetime) -> Month:
        local = moment.astimezone(clock.TOKYO)
        return cls(local.year, local.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """`2024-01` → Month(2024, 1); ValueError otherwise."""
        found = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
        if found is None or not 1 <= int(found.group(2)) <= 12:
            raise ValueError(f"{text!r} is not a month written as YYYY-MM")
        return cls(int(found.group(1)), int(found.group(2)))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def table(self) -> str:
        return f"{TABLE}_y{self.year:04d}m{self.month:02d}"

    @property
    def start(self) -> datetime.datetime:
        return datetime.datetime(self.year, self.month, 1, tzinfo=clock.TOKYO)

    @property
    def end(self) -> datetime.datetime:
        return self.next().start

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def minus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 - months
        return Month(index // 12, index % 12 + 1)


def partitions_present() -> list[Month]:
    """The months that have a partition, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    found = (PARTITION_NAME.fullmatch(name) for name in names)
    return sorted(Month(int(match.group(1)), int(match.group(2))) for match in found if match)


def partition_ensure(month: Month) -> bool:
    """Make the partition of `month` unless it exists; whether it was made. In the caller's transaction."""
    quote = connection.ops.quote_name
    truncate_trigger = REFUSE_TRUNCATE.get_pgid(AccessLogEntry)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PARTITION_LOCK_KEY])
        cursor.execute("SELECT to_regclass(%s)", [month.table])
        if cursor.fetchone()[0] is not None:
            return False
        # The bounds are moments written by us, not by a person: formatted into the DDL, which takes no parameters.
        cursor.execute(
            f"CREATE TABLE {quote(month.table)} PARTITION OF {quote(TABLE)} "
            f"FOR VALUES FROM ('{month.start.isoformat()}') TO ('{month.end.isoformat()}')"
        )
        # Row triggers and indexes come from the parent; a statement trigger does not: TRUNCATE of the partition
        # itself is refused by a trigger of its own.
        cursor.execute(
            f"CREATE TRIGGER {quote(truncate_trigger)} BEFORE TRUNCATE ON {quote(month.table)} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {quote(truncate_trigger)}()"
        )
    return True


def partitions_ensure_for(moments: Iterable[datetime.datetime]) -> None:
    """The partition of every month the moments fall in, made where it is missing."""
    for month in sorted({Month.of(moment) for moment in moments}):
        partition_ensure(month)


def partitions_make_ahead(*, months: int = MONTHS_AHEAD) -> list[Month]:
    """Make this month's partition and the next `months`' ahead of need; the months made."""
    month, made = Month.of(clock.now()), []
    for _ in range(months + 1):
        if partition_ensure(month):
            made.append(month)
        month = month.next()
    return made


def partition_drop(month: Month) -> None:
    """Detach and drop the partition of `month`: only once its entries are archived (`config.backup.access_log`)."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        # PostgreSQL drops no table with deferred checks pending in the transaction: they are made now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {quote(TABLE)} DETACH PARTITION {quote(month.table)}")
        cursor.execute(f"DROP TABLE {quote(month.table)}")
