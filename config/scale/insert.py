"""The bulk insert of drawn copies, parents first, and their reads chained onto the access log."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import models, transaction
from django.urls import reverse

from compliance.access_chain import access_log_chain
from compliance.audit import read_record, record_label
from compliance.models import AccessLogEntry, User
from compliance.models.audit import AccessAction
from compliance.partitions import partitions_ensure_for
from config.scale.plan import BATCH, INSERT_ORDER, CopyRows
from config.scale.words import USER_AGENTS
from remediation.models import ProgressUpdate, Review


@contextmanager
def explicit_timestamps(*fields: models.DateTimeField) -> Iterator[None]:
    """Let bulk inserts keep the drawn `submitted_at`/`reviewed_at` instead of `auto_now_add`'s clock."""
    saved = [(f, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


def _read_entry(at: datetime.datetime, officer: User, record: models.Model, ip: str, agent: str) -> AccessLogEntry:
    """An access log entry of an officer reading one private record of their company."""
    if isinstance(record, ProgressUpdate):
        path = reverse("remediation:progress_update_detail", kwargs={"pk": record.pk})
    else:
        path = reverse("remediation:reminder_list")
    return AccessLogEntry(
        at=at,
        user=officer,
        username=officer.username,
        user_company_id=officer.company_id,
        action=AccessAction.READ,
        object_type=record_label(type(record)),
        object_id=str(record.pk),
        object_company_id=record.company_id,
        records=[read_record(record)],
        method="GET",
        path=path,
        ip_address=ip,
        user_agent=agent,
    )


def access_entries(copies: list[tuple[int, CopyRows]], seed: int) -> list[AccessLogEntry]:
    """The reads of saved copies as unchained entries, each officer at an address and browser of their own."""
    entries = []
    for number, copy in copies:
        rng = random.Random(f"{seed}:{number}:access")  # noqa: S311 (synthetic test data, not security)
        where: dict[int, tuple[str, str]] = {}
        for at, officer, record in copy.reads:
            if officer.pk not in where:
                ip = f"10.{number % 250}.{rng.randrange(1, 255)}.{rng.randrange(1, 255)}"
                where[officer.pk] = (ip, rng.choice(USER_AGENTS))
            entries.append(_read_entry(at, officer, record, *where[officer.pk]))
    return entries


def chain_and_insert(entries: list[AccessLogEntry]) -> None:
    """Insert entries unchained, their months' partitions made first, then chain them as the sequencer does."""
    if not entries:
        return
    with transaction.atomic():
        partitions_ensure_for(entry.at for entry in entries)
        AccessLogEntry.objects.bulk_create(entries, batch_size=BATCH)
        access_log_chain()


def write_block(copies: list[tuple[int, CopyRows]], seed: int) -> Counter:
    """Insert the rows of several copies in one transaction, parents first, then their access log reads."""
    counts: Counter = Counter()
    with (
        transaction.atomic(),
        explicit_timestamps(ProgressUpdate._meta.get_field("submitted_at"), Review._meta.get_field("reviewed_at")),
    ):
        for model in INSERT_ORDER:
            rows = [row for _, copy in copies for row in copy.rows.get(model, [])]
            model.objects.bulk_create(rows, batch_size=BATCH)
            counts[model._meta.label] += len(rows)
        entries = access_entries(copies, seed)
        chain_and_insert(entries)
        counts[AccessLogEntry._meta.label] += len(entries)
    return counts
