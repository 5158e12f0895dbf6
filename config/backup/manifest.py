"""What an archive holds: its members' names, the manifest of the database's state, its seal and its reading."""

from __future__ import annotations

import hashlib
import json
import tarfile
from typing import Any

from django.conf import settings
from django.db import connection

from compliance import clock
from config.backup.errors import BackupError

# Format 2 added the checkpoints; an archive of format 1 has none, and restores as before.
FORMAT = 2
READABLE_FORMATS = (1, 2)
DUMP = "database.dump"
CHECKPOINTS = "access-log-checkpoints.jsonl"
MANIFEST = "manifest.json"
EVIDENCE = "evidence"
CHUNK = 1024 * 1024


PUBLIC_TABLES = """
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN %s AND NOT c.relispartition ORDER BY c.relname
"""


def _database_state(cursor: Any, major: int) -> dict[str, Any]:
    """When, the latest migration applied per app, the rows of every table, and the evidence files the rows name."""
    from remediation.models import Evidence  # the one model whose rows name files

    # A partitioned table counts the rows of all its partitions, which are not counted again.
    cursor.execute(PUBLIC_TABLES, [("r", "p")])
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


def manifest_seal(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest with the digest of its own content, so that a byte changed in it is noticed too."""
    content = {key: value for key, value in manifest.items() if key != "digest"}
    return {**content, "digest": _content_digest(content)}


def _content_digest(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


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
