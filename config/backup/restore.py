"""Restore: a verified archive into the empty database, EVIDENCE_ROOT and checkpoint file."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import tarfile
import tempfile
import time
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from config.backup.archive import _line_count
from config.backup.client import PostgresClient, _libpq, _run
from config.backup.errors import BackupError
from config.backup.manifest import CHECKPOINTS, CHUNK, DUMP, EVIDENCE, MANIFEST, PUBLIC_TABLES
from config.backup.verify import RestorePlan, _check_member_name


@dataclasses.dataclass(frozen=True)
class RestoreResult:
    """What a restore wrote, and the migrations of this code that the restored database has not applied yet."""

    tables: int
    rows: int
    evidence_files: int
    checkpoints: int
    pending_migrations: list[str]
    client: PostgresClient
    seconds: float


def restore_apply(*, plan: RestorePlan) -> RestoreResult:
    """Restore a prepared archive: the evidence files staged first, then the database in one transaction, then the
    files moved into place and the checkpoint file put back; finally the row counts checked against the manifest."""
    started = time.monotonic()
    root = plan.evidence_root
    created_root = not root.exists()
    root.mkdir(parents=True, exist_ok=True)
    # Inside EVIDENCE_ROOT, so that moving the files into place is a rename even where it is a mounted volume.
    staging = Path(tempfile.mkdtemp(dir=root, prefix=".restore-"))
    try:
        with tempfile.TemporaryDirectory(prefix="restore-") as work:
            dump, checkpoints = Path(work) / DUMP, Path(work) / CHECKPOINTS
            _extract(plan, dump, checkpoints, staging)
            conninfo, environment = _libpq(settings.DATABASES["default"])
            command = ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
            _run([plan.client.pg_restore, *command, f"--dbname={conninfo}", dump], environment, "pg_restore")
            for entry in staging.iterdir():
                entry.rename(root / entry.name)
            checkpoint_lines = _checkpoints_put_back(checkpoints, plan.checkpoint_file)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created_root:
            shutil.rmtree(root, ignore_errors=True)
        raise
    staging.rmdir()
    _check_counts(plan)
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return RestoreResult(
        tables=len(plan.manifest["tables"]),
        rows=plan.rows,
        evidence_files=plan.evidence_files,
        checkpoints=checkpoint_lines,
        pending_migrations=[f"{migration.app_label}.{migration.name}" for migration, _backwards in pending],
        client=plan.client,
        seconds=time.monotonic() - started,
    )


def _extract(plan: RestorePlan, dump: Path, checkpoints: Path, staging: Path) -> None:
    """Write the dump, the checkpoints and the evidence files out of the archive, checking each digest again."""
    listed = plan.manifest["members"]
    with tarfile.open(plan.path, "r:") as archive:
        for member in archive:
            if not member.isfile() or member.name == MANIFEST:
                continue
            _check_member_name(member.name)
            if member.name in (DUMP, CHECKPOINTS):
                target = dump if member.name == DUMP else checkpoints
            else:
                target = staging / PurePosixPath(member.name).relative_to(EVIDENCE)
                target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with archive.extractfile(member) as source, target.open("wb") as written:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    written.write(chunk)
            if digest.hexdigest() != listed[member.name]["sha256"]:
                raise BackupError(f"{member.name} changed in the archive while it was being restored.")


def _checkpoints_put_back(extracted: Path, target: Path) -> int:
    """Put the archive's checkpoint file where ACCESS_LOG_CHECKPOINT_FILE says, whole or not at all; its lines."""
    if not extracted.exists():
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(extracted, partial)
    with partial.open("rb") as written:
        os.fsync(written.fileno())
    partial.replace(target)
    return _line_count(target.read_bytes())


def _check_counts(plan: RestorePlan) -> None:
    expected = plan.manifest["tables"]
    with connection.cursor() as cursor:
        cursor.execute(PUBLIC_TABLES, [("r", "p")])
        found = {}
        for (table,) in cursor.fetchall():
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # nosec B608  # noqa: S608 (a table's name)
            found[table] = cursor.fetchone()[0]
    differing = sorted(t for t in set(expected) | set(found) if expected.get(t) != found.get(t))
    if differing:
        details = ", ".join(f"{t}: {found.get(t)} restored, {expected.get(t)} in the manifest" for t in differing[:5])
        raise BackupError(f"The restored database does not match the manifest ({details}).")
