"""The access log's retention: a month archived through `backup`, the archive read back and checked, a signed
boundary checkpoint appended, and only then the month's partition dropped.

An archive of one month is a plain tar of:

    access-log-entries.jsonl   every entry of the month, then the entries of later months chained before its last
                               one (they stay in the database), each a JSON object of every column, in chain order
    boundary-checkpoint.jsonl  the signed checkpoint of the month's last entry in the chain (`boundary`: true)
    manifest.json              the month, the positions, the counts, each member's size and SHA-256, sealed

After the drop, verification starts at the boundary checkpoint instead of the chain's first entry.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import itertools
import json
import os
import tarfile
from pathlib import Path
from typing import Any

from django.conf import settings

from compliance import clock
from compliance.access_chain import access_log_chain, chain_end
from compliance.checkpoints import (
    Checkpoint,
    checkpoint_append,
    checkpoint_file,
    checkpoint_sign,
    checkpoint_signature_valid,
)
from compliance.models import AccessLogEntry
from compliance.models.audit import CHAINED_COLUMNS, chain_hash, chained_content
from compliance.partitions import Month, partition_drop, partitions_present
from config.backup.archive import _member, _sync_folder
from config.backup.errors import BackupError
from config.backup.manifest import manifest_seal

ENTRIES = "access-log-entries.jsonl"
BOUNDARY = "boundary-checkpoint.jsonl"
MANIFEST = "manifest.json"
KIND = "access-log-month"
COLUMNS = ("id", "position", "previous_hash", "entry_hash", *CHAINED_COLUMNS)


@dataclasses.dataclass(frozen=True)
class MonthArchive:
    """One month archived: where, its entries, and the boundary checkpoint at its end."""

    month: Month
    path: Path
    entries: int
    checkpoint: Checkpoint


def access_log_month_archive(*, month: Month, output: Path) -> MonthArchive:
    """Archive one month of the access log to `output`, whole or not at all, and read it back; the month stays."""
    access_log_chain()
    if month not in partitions_present():
        raise BackupError(f"The access log has no partition for {month}: nothing to archive.")
    in_month = AccessLogEntry.objects.filter(at__gte=month.start, at__lt=month.end)
    if in_month.filter(position__isnull=True).exists():
        raise BackupError(f"Entries of {month} are not chained yet: run `manage.py chain_access_log` first.")
    last = in_month.order_by("-position").values_list("position", "id", "entry_hash").first()
    if last is None:
        raise BackupError(f"The access log holds no entry of {month}.")
    if last[0] == chain_end().position:
        raise BackupError(f"{month} holds the chain's last entry: it is kept until a later entry is chained.")
    rows = [_row(values) for values in _archived(in_month, month, last[0])]
    checkpoint = checkpoint_sign(
        Checkpoint(last_id=last[1], last_hash=last[2], count=last[0], at=clock.now().isoformat(), boundary=True)
    )
    _write(output, month, rows, checkpoint)
    archive_month_verify(path=output, expected_entries=len(rows))
    return MonthArchive(month=month, path=output, entries=len(rows), checkpoint=checkpoint)


def _archived(in_month, month: Month, last_position: int) -> list[tuple]:
    """The month's entries, and those of later months chained before its last one, in chain order."""
    stragglers = AccessLogEntry.objects.filter(at__gte=month.end, position__lt=last_position)
    rows = [*in_month.values_list(*COLUMNS), *stragglers.values_list(*COLUMNS)]
    return sorted(rows, key=lambda row: row[1])


def _row(values: tuple) -> dict[str, Any]:
    row = dict(zip(COLUMNS, values, strict=True))
    row["at"] = row["at"].isoformat()
    return row


def _write(output: Path, month: Month, rows: list[dict[str, Any]], checkpoint: Checkpoint) -> None:
    output = output.absolute()
    if not output.parent.is_dir():
        raise BackupError(f"{output.parent} does not exist: the archive of {month} cannot be written.")
    entries = "".join(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n" for row in rows).encode()
    boundary = (checkpoint.line() + "\n").encode()
    members = {name: _digest(data) for name, data in ((ENTRIES, entries), (BOUNDARY, boundary))}
    manifest = manifest_seal(
        {
            "format": 1,
            "kind": KIND,
            "month": str(month),
            "created_at": clock.now().isoformat(),
            "entries": len(rows),
            "first_position": rows[0]["position"],
            "last_position": checkpoint.position,
            "members": members,
        }
    )
    partial = output.with_name(f".{output.name}.partial")
    try:
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
            for name, data in ((ENTRIES, entries), (BOUNDARY, boundary), (MANIFEST, json.dumps(manifest).encode())):
                archive.addfile(_member(name, len(data)), io.BytesIO(data))
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        partial.replace(output)
        _sync_folder(output.parent)  # the month is dropped next: the archive must be on disk, renamed, first
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"The archive of {month} cannot be written to {output}: {error}") from None


def _digest(data: bytes) -> dict[str, Any]:
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def archive_month_verify(*, path: Path, expected_entries: int | None = None) -> dict[str, Any]:
    """The manifest of a month's archive, once its members match their digests, its entries recompute their chain
    with no gap, and its boundary checkpoint is signed and names its last entry."""
    try:
        with tarfile.open(path, "r:") as archive:
            data = {member.name: archive.extractfile(member).read() for member in archive if member.isfile()}
        manifest = json.loads(data[MANIFEST])
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"{path} is not a readable archive of the access log: {error}") from None
    if manifest_seal(manifest)["digest"] != manifest.get("digest") or manifest.get("kind") != KIND:
        raise BackupError(f"{path}: its manifest is damaged or not that of a month of the access log.")
    for name, listed in manifest["members"].items():
        if _digest(data.get(name, b"")) != listed:
            raise BackupError(f"{path}: {name} does not match the manifest.")
    rows = [json.loads(line) for line in data[ENTRIES].decode().splitlines()]
    _chain_check(path, rows)
    checkpoint = Checkpoint.from_line(data[BOUNDARY].decode().strip())
    last = next((row for row in rows if row["position"] == checkpoint.position), None)
    if not checkpoint_signature_valid(checkpoint) or last is None or last["entry_hash"] != checkpoint.last_hash:
        raise BackupError(f"{path}: its boundary checkpoint is not signed or does not name its last entry.")
    if expected_entries is not None and len(rows) != expected_entries:
        raise BackupError(f"{path} holds {len(rows)} entries where {expected_entries} were written.")
    return manifest


def _chain_check(path: Path, rows: list[dict[str, Any]]) -> None:
    for before, after in itertools.pairwise(rows):
        if after["position"] != before["position"] + 1 or after["previous_hash"] != before["entry_hash"]:
            raise BackupError(f"{path}: the chain breaks at entry {after['id']}.")
    for row in rows:
        values = [row[column] for column in CHAINED_COLUMNS]
        values[0] = datetime.datetime.fromisoformat(values[0])
        if chain_hash(row["previous_hash"], chained_content(values)) != row["entry_hash"]:
            raise BackupError(f"{path}: entry {row['id']} does not match its hash.")


def access_log_month_drop(*, month: Month, output: Path) -> MonthArchive:
    """Archive `month`, check the archive, append its boundary checkpoint to the checkpoint file, then drop the
    month's partition. Refused, and nothing dropped, when any step fails."""
    done = access_log_month_archive(month=month, output=output)
    checkpoint_append(checkpoint=done.checkpoint, path=checkpoint_file())
    partition_drop(month)
    return done


def access_log_prune(*, now: datetime.datetime | None = None) -> list[MonthArchive]:
    """Archive then drop every month older than ACCESS_LOG_RETENTION_MONTHS (none when 0), oldest first, each to
    ACCESS_LOG_ARCHIVE_DIR/access-log-YYYY-MM.tar."""
    keep = settings.ACCESS_LOG_RETENTION_MONTHS
    if keep <= 0:
        return []
    oldest_kept = Month.of(now or clock.now()).minus(keep - 1)
    folder = Path(settings.ACCESS_LOG_ARCHIVE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    done = []
    for month in partitions_present():
        if month >= oldest_kept:
            break
        if not AccessLogEntry.objects.filter(at__gte=month.start, at__lt=month.end).exists():
            partition_drop(month)  # an empty month, made ahead: nothing to archive
            continue
        done.append(access_log_month_drop(month=month, output=folder / f"access-log-{month}.tar"))
    return done
