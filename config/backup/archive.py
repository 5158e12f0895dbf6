"""Backup: one archive of the database, the evidence files and the checkpoints, written whole or not at all."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction

from compliance import clock
from config.backup.client import PostgresClient, _libpq, _run, postgres_client, server_major
from config.backup.errors import BackupError
from config.backup.manifest import CHECKPOINTS, DUMP, EVIDENCE, MANIFEST, _database_state, manifest_seal


@dataclasses.dataclass(frozen=True)
class BackupResult:
    """What a backup wrote."""

    path: Path
    size: int
    tables: int
    rows: int
    evidence_files: int
    checkpoints: int
    missing_evidence: list[str]
    client: PostgresClient
    seconds: float


def backup_write(*, output: Path) -> BackupResult:
    """Write one archive of the default database and the evidence files to `output`; all of it, or nothing there."""
    started = time.monotonic()
    output = output.absolute()
    if output.is_dir():
        raise BackupError(f"{output} is a folder: give the path of the archive to write.")
    if not output.parent.is_dir():
        raise BackupError(f"{output.parent} does not exist.")
    evidence_root = Path(settings.EVIDENCE_ROOT).absolute()
    if output.is_relative_to(evidence_root):
        raise BackupError(f"{output} is inside EVIDENCE_ROOT ({evidence_root}): write the archive somewhere else.")
    major = server_major()
    client = postgres_client(major)
    client.require(major, f"Backing up a PostgreSQL {major} server")
    conninfo, environment = _libpq(settings.DATABASES["default"])
    # Beside the archive, so that the last step is a rename within one file system.
    work = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.", suffix=".partial"))
    try:
        dump = work / DUMP
        # Before the snapshot: every checkpoint copied then vouches for entries the dump holds.
        checkpoints = _checkpoints_copy(work / CHECKPOINTS)
        checkpoint_lines = _line_count(checkpoints.read_bytes()) if checkpoints else 0
        with _snapshot() as (snapshot, cursor):
            manifest = _database_state(cursor, major)
            command = ["--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", f"--file={dump}"]
            _run([client.pg_dump, *command, f"--dbname={conninfo}"], environment, "pg_dump")
        evidence = _evidence_files(evidence_root)
        names = {name for name, _path in evidence}
        missing = sorted(name for name in manifest.pop("evidence_named") if name not in names)
        manifest.update(
            pg_dump_version=client.version,
            pg_dump_major=client.major,
            evidence_root=str(evidence_root),
            missing_evidence=missing,
        )
        partial = work / "archive.tar"
        _write_archive(partial, dump, evidence, manifest, checkpoints)
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        partial.replace(output)
        _sync_folder(output.parent)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BackupResult(
        path=output,
        size=output.stat().st_size,
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        evidence_files=len(evidence),
        checkpoints=checkpoint_lines,
        missing_evidence=missing,
        client=client,
        seconds=time.monotonic() - started,
    )


@contextlib.contextmanager
def _snapshot() -> Iterator[tuple[str, Any]]:
    """A read-only transaction whose snapshot pg_dump shares, open until the block ends."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        yield cursor.fetchone()[0], cursor


def _evidence_files(root: Path) -> list[tuple[str, Path]]:
    """Every plain file under `root`, by its path there, in a stable order. Links are left out: they could point
    anywhere, and the product never makes one."""
    found = []
    if not root.is_dir():
        return found
    for folder, subfolders, files in os.walk(root):
        subfolders.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(root).as_posix(), path))
    return found


def _checkpoints_copy(copy: Path) -> Path | None:
    """A copy of the checkpoint file, or None when there is none yet."""
    try:
        shutil.copyfile(settings.ACCESS_LOG_CHECKPOINT_FILE, copy)
    except FileNotFoundError:
        return None
    return copy


def _line_count(content: bytes) -> int:
    return sum(1 for line in content.splitlines() if line.strip())


def _write_archive(
    path: Path, dump: Path, evidence: list[tuple[str, Path]], manifest: dict[str, Any], checkpoints: Path | None
) -> None:
    members: dict[str, dict[str, Any]] = {}
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as archive:
        _add_file(archive, DUMP, dump, members)
        for name, file in evidence:
            _add_file(archive, f"{EVIDENCE}/{name}", file, members)
        if checkpoints is not None:
            _add_file(archive, CHECKPOINTS, checkpoints, members)
        # Last, once every member's digest is known.
        data = json.dumps(manifest_seal({**manifest, "members": members}), ensure_ascii=False, indent=2).encode()
        info = _member(MANIFEST, len(data))
        archive.addfile(info, io.BytesIO(data))


def _member(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o644, int(clock.now().timestamp())
    return info


def _add_file(archive: tarfile.TarFile, name: str, path: Path, members: dict[str, dict[str, Any]]) -> None:
    with path.open("rb") as source:
        info = _member(name, os.fstat(source.fileno()).st_size)
        reader = _HashingReader(source)
        archive.addfile(info, reader)
    members[name] = {"size": info.size, "sha256": reader.digest.hexdigest()}


class _HashingReader:
    """A file read once, for the archive and for its digest at the same time."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        return data


def _sync_folder(folder: Path) -> None:
    """Make the rename durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
