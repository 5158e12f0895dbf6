"""Restore checks: the archive against its manifest, and the programs, the code and the target against the archive."""

from __future__ import annotations

import dataclasses
import hashlib
import tarfile
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from config.backup.client import PostgresClient, postgres_client, server_major
from config.backup.errors import BackupError
from config.backup.manifest import CHECKPOINTS, CHUNK, DUMP, EVIDENCE, MANIFEST, PUBLIC_TABLES, _read_manifest


@dataclasses.dataclass(frozen=True)
class RestorePlan:
    """A restore checked and ready: the verified manifest, the programs, and where it goes."""

    path: Path
    manifest: dict[str, Any]
    client: PostgresClient
    database: str
    evidence_root: Path
    checkpoint_file: Path

    @property
    def rows(self) -> int:
        return sum(self.manifest["tables"].values())

    @property
    def evidence_files(self) -> int:
        return sum(1 for name in self.manifest["members"] if name.startswith(f"{EVIDENCE}/"))


def archive_verify(*, path: Path) -> dict[str, Any]:
    """The manifest of the archive at `path`, once every member is where it may be and matches its digest."""
    try:
        archive = tarfile.open(path, "r:")  # noqa: SIM115 (closed below)
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path} is not a readable backup archive: {error}") from None
    with archive:
        try:
            members = archive.getmembers()
        except tarfile.TarError as error:
            raise BackupError(f"{path} is damaged: {error}") from None
        files: dict[str, tarfile.TarInfo] = {}
        for member in members:
            _check_member_name(member.name)
            if member.isdir():
                continue
            if not member.isfile():
                raise BackupError(f"The archive holds {member.name!r}, which is a link or a device: refused.")
            if member.name in files:
                raise BackupError(f"The archive holds {member.name!r} twice: refused.")
            files[member.name] = member
        if MANIFEST not in files:
            raise BackupError(f"{path} has no {MANIFEST}: it is not an archive of `backup`, or it is cut short.")
        manifest = _read_manifest(archive, files.pop(MANIFEST))
        listed = manifest["members"]
        if DUMP not in listed:
            raise BackupError(f"The manifest lists no {DUMP}.")
        strays = sorted(n for n in files if n not in (DUMP, CHECKPOINTS) and not n.startswith(f"{EVIDENCE}/"))
        if strays:
            raise BackupError(
                f"The archive holds files outside {DUMP}, {CHECKPOINTS} and {EVIDENCE}/: {', '.join(strays[:5])}."
            )
        missing, unlisted = sorted(set(listed) - set(files)), sorted(set(files) - set(listed))
        if missing or unlisted:
            raise BackupError(
                f"The archive does not match its manifest: missing {missing[:5] or 'nothing'}, "
                f"not in the manifest {unlisted[:5] or 'nothing'}."
            )
        for name, member in files.items():
            size, digest = _digest(archive.extractfile(member))
            if size != listed[name]["size"] or digest != listed[name]["sha256"]:
                raise BackupError(f"{name} in the archive is damaged: its SHA-256 does not match the manifest.")
    return manifest


def _check_member_name(name: str) -> None:
    """Refuse a member whose path could land outside the folder it is restored into."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or "\x00" in name or str(path) != name.rstrip("/"):
        raise BackupError(f"The archive holds {name!r}, a path that leaves the folder it is restored into: refused.")


def _digest(stream: IO[bytes]) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def restore_prepare(*, path: Path) -> RestorePlan:
    """Verify the archive, the programs, this code's migrations and the target; write nothing."""
    manifest = archive_verify(path=path)
    major = server_major()
    if major < manifest["server_major"]:
        raise BackupError(
            f"The archive comes from a PostgreSQL {manifest['server_major']} server and this one is {major}: "
            f"restore it into PostgreSQL {manifest['server_major']} or newer."
        )
    client = postgres_client(major)
    client.require(manifest["pg_dump_major"], f"Reading an archive of pg_dump {manifest['pg_dump_version']}")
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [f"{app}.{name}" for app, name in sorted(manifest["migrations"].items()) if (app, name) not in known]
    if unknown:
        raise BackupError(
            f"The archive comes from a newer version of the application: this code does not know the migrations "
            f"{', '.join(unknown)}. Restore it with the version that wrote it."
        )
    database = settings.DATABASES["default"]["NAME"]
    with connection.cursor() as cursor:
        cursor.execute(PUBLIC_TABLES, [("r", "p", "v", "m", "S", "f")])
        present = [name for (name,) in cursor.fetchall()]
    if present:
        raise BackupError(
            f"The database {database} is not empty: schema public holds {len(present)} tables, views or sequences "
            f"({', '.join(present[:3])}, …). Restore only into an empty database: create a new one and point "
            "DATABASE_URL at it."
        )
    evidence_root = Path(settings.EVIDENCE_ROOT)
    if evidence_root.exists() and (not evidence_root.is_dir() or any(evidence_root.iterdir())):
        raise BackupError(
            f"EVIDENCE_ROOT ({evidence_root}) is not an empty folder. Restore only into an empty one, or one that "
            "does not exist yet."
        )
    checkpoint_file = Path(settings.ACCESS_LOG_CHECKPOINT_FILE)
    if checkpoint_file.is_file() and checkpoint_file.stat().st_size:
        raise BackupError(
            f"ACCESS_LOG_CHECKPOINT_FILE ({checkpoint_file}) holds checkpoints already. Restore only where there are "
            "none: move the file aside and keep it (`verify_access_log --checkpoints <it>` compares the restored log "
            "with it)."
        )
    return RestorePlan(
        path=path,
        manifest=manifest,
        client=client,
        database=database,
        evidence_root=evidence_root,
        checkpoint_file=checkpoint_file,
    )
