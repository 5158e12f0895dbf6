"""Checkpoints of the access log: signed outside the database, kept in a file and mailed; what they let verify find."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import translation

from compliance import clock
from compliance.audit import GENESIS_HASH, access_log_denied
from compliance.checkpoints import Checkpoint, access_log_checkpoint
from compliance.checks import access_log_checkpoint_key
from compliance.choices import Role
from compliance.log_check import access_log_verify
from compliance.models import AccessLogEntry
from compliance.tasks import checkpoint_access_log
from tests.access_log import chained
from tests.access_log import tampered as lifted
from tests.conftest import make_person

pytestmark = pytest.mark.django_db
TABLE = AccessLogEntry._meta.db_table


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def checkpoint_file(settings, tmp_path):
    """A checkpoint file of the test's own: the entries it vouches for are rolled back after the test."""
    settings.ACCESS_LOG_CHECKPOINT_FILE = tmp_path / "checkpoints" / "access-log.jsonl"
    return settings.ACCESS_LOG_CHECKPOINT_FILE


@pytest.fixture
def entries(regulator_staff) -> list[AccessLogEntry]:
    request = RequestFactory().get("/somewhere/", REMOTE_ADDR="192.0.2.7")
    request.user = regulator_staff
    return chained([access_log_denied(request=request, object_type="test.record", object_id=str(n)) for n in range(6)])


def verify_refused(*arguments: str) -> str:
    """The command's message when it refuses; it must refuse."""
    with pytest.raises(CommandError) as refused:
        call_command("verify_access_log", *arguments)
    return str(refused.value)


def file_lines(path) -> list[str]:
    return path.read_text().splitlines()


def test_a_checkpoint_holds_the_chains_head_signed_with_the_key(entries, checkpoint_file):
    before = clock.now()
    checkpoint = access_log_checkpoint()
    line = json.loads(file_lines(checkpoint_file)[-1])
    last = AccessLogEntry.objects.order_by("-id").first()
    assert line["last_id"] == entries[-1].pk == last.pk
    assert line["last_hash"] == last.entry_hash
    assert line["count"] == AccessLogEntry.objects.count()
    assert before <= checkpoint.moment <= clock.now() and line["at"] == checkpoint.at
    # The signature, computed here from its documented definition: HMAC-SHA256 over every field but itself.
    signed = {key: value for key, value in line.items() if key != "signature"}
    content = b"compliance access log checkpoint\n" + json.dumps(signed, sort_keys=True, separators=(",", ":")).encode()
    key = settings.ACCESS_LOG_CHECKPOINT_KEY.encode()
    assert line["signature"] == hmac.new(key, content, hashlib.sha256).hexdigest() == checkpoint.signature
    check = access_log_verify()
    assert check.intact and check.checkpoints == 1 and check.warnings == ()


def test_checkpoints_are_appended(entries, checkpoint_file, regulator_staff):
    access_log_checkpoint()
    request = RequestFactory().get("/later/")
    request.user = regulator_staff
    later = access_log_denied(request=request, object_type="test.record")
    access_log_checkpoint()
    ids = [json.loads(line)["last_id"] for line in file_lines(checkpoint_file)]
    assert ids == [entries[-1].pk, later.pk]
    assert access_log_verify().checkpoints == 2


def test_a_deleted_tail_is_named(entries, checkpoint_file):
    access_log_checkpoint()
    lifted((f"DELETE FROM {TABLE} WHERE id > %s", [entries[3].pk]))
    check = access_log_verify()
    assert check.first_bad_id is None, "the chain alone cannot see a cut tail"
    assert not check.intact
    message = verify_refused()
    assert f"Entries after {entries[3].pk} are missing" in message
    assert f"up to entry {entries[-1].pk}, and the log now ends at entry {entries[3].pk}" in message


def test_the_problems_are_told_in_the_sites_language(entries, checkpoint_file):
    access_log_checkpoint()
    lifted((f"DELETE FROM {TABLE} WHERE id > %s", [entries[3].pk]))
    with translation.override(settings.LANGUAGE_CODE):
        message = verify_refused()
    assert f"記録 {entries[3].pk} より後の記録が失われています" in message


def test_an_emptied_log_is_named(entries, checkpoint_file):
    access_log_checkpoint()
    count = AccessLogEntry.objects.count()
    lifted((f"TRUNCATE {TABLE}", []))
    assert AccessLogEntry.objects.count() == 0
    message = verify_refused()
    assert "The access log is empty" in message
    assert f"vouches for {count} entries up to entry {entries[-1].pk}: the log was emptied" in message


def test_a_log_emptied_and_written_again_is_named(entries, checkpoint_file, regulator_staff):
    """After a TRUNCATE the product starts a new chain from nothing, intact by itself: the checkpoint is not."""
    access_log_checkpoint()
    lifted((f"TRUNCATE {TABLE}", []))
    request = RequestFactory().get("/after/")
    request.user = regulator_staff
    for n in range(len(entries) + 2):
        access_log_denied(request=request, object_type="test.record", object_id=str(n))
    check = access_log_verify()
    assert check.first_bad_id is None
    assert f"Entry {entries[-1].pk} is missing: the checkpoint of" in verify_refused()


def test_a_past_rewritten_with_its_chain_rebuilt_is_named(entries, checkpoint_file):
    access_log_checkpoint()
    changed = []
    previous = AccessLogEntry.objects.filter(pk__lt=entries[2].pk).order_by("-id").values_list("entry_hash", flat=True)
    previous = previous.first() or GENESIS_HASH
    for entry in AccessLogEntry.objects.filter(pk__gte=entries[2].pk).order_by("id"):
        if entry.pk == entries[2].pk:
            entry.object_id = "something else"
        entry.previous_hash = previous
        entry.entry_hash = previous = entry.compute_hash()
        changed.append((entry.object_id, entry.previous_hash, entry.entry_hash, entry.pk))
    lifted(
        *[
            (f"UPDATE {TABLE} SET object_id = %s, previous_hash = %s, entry_hash = %s WHERE id = %s", list(row))
            for row in changed
        ]
    )
    assert access_log_verify().first_bad_id is None, "the chain was rebuilt: it holds by itself"
    message = verify_refused()
    assert f"Entry {entries[-1].pk} is not the one the checkpoint" in message
    assert "(its hash differs)" in message


def test_a_tampered_entry_is_still_named_exactly(entries, checkpoint_file):
    access_log_checkpoint()
    lifted((f"UPDATE {TABLE} SET username = 'someone else' WHERE id = %s", [entries[1].pk]))
    message = verify_refused()
    assert f"The chain is broken at entry {entries[1].pk}:" in message
    assert "checkpoint" not in message.split("\n", 1)[1], "the checkpoint's entry is untouched: one problem only"


def forged(line: str) -> str:
    """The checkpoint with a higher count and its old signature: what an edit of the file looks like."""
    fields = json.loads(line)
    return json.dumps({**fields, "count": fields["count"] + 1})


def signed_elsewhere(line: str) -> str:
    """A checkpoint saying what the forger wants, signed with a key of the forger's own."""
    checkpoint = dataclasses.replace(Checkpoint.from_line(line), last_id=1, count=1)
    signature = hmac.new(b"not the key", checkpoint.signed_content(), hashlib.sha256).hexdigest()
    return dataclasses.replace(checkpoint, signature=signature).line()


@pytest.mark.parametrize("forge", [forged, signed_elsewhere], ids=["altered", "signed-with-another-key"])
def test_a_forged_checkpoint_is_named(entries, checkpoint_file, forge):
    access_log_checkpoint()
    lines = file_lines(checkpoint_file)
    checkpoint_file.write_text("\n".join([*lines, forge(lines[-1])]) + "\n")
    message = verify_refused()
    assert f"The checkpoint on line 2 of {checkpoint_file}" in message
    assert "has a bad signature: it was forged or altered" in message


def test_a_damaged_line_is_named(entries, checkpoint_file):
    access_log_checkpoint()
    with checkpoint_file.open("a") as file:
        file.write('{"last_id": 12, "count"\n')
    assert f"Line 2 of the checkpoint file {checkpoint_file} is not a checkpoint" in verify_refused()


def test_a_line_cut_short_stays_apart_from_the_next(entries, checkpoint_file):
    access_log_checkpoint()
    with checkpoint_file.open("a") as file:
        file.write('{"last_id": 1')  # a crash in the middle of a write
    access_log_checkpoint()
    lines = file_lines(checkpoint_file)
    assert len(lines) == 3 and Checkpoint.from_line(lines[2]).last_id == entries[-1].pk
    assert access_log_verify().checkpoints == 2


def test_without_checkpoints_the_chain_is_verified_with_a_warning(entries, checkpoint_file, capsys):
    call_command("verify_access_log")
    captured = capsys.readouterr()
    assert "access log intact" in captured.out
    assert "No checkpoint in" in captured.err


def test_a_checkpoint_file_named_that_does_not_exist_is_refused(entries, tmp_path):
    assert "is not a file of checkpoints" in verify_refused("--checkpoints", str(tmp_path / "missing.jsonl"))


def test_without_a_key_nothing_is_signed_or_verified(entries, checkpoint_file, settings):
    access_log_checkpoint()
    settings.ACCESS_LOG_CHECKPOINT_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="Set ACCESS_LOG_CHECKPOINT_KEY"):
        access_log_checkpoint()
    assert "Set ACCESS_LOG_CHECKPOINT_KEY" in verify_refused()
    assert [error.id for error in access_log_checkpoint_key(None)] == ["compliance.E001"]


def test_a_checkpoint_signed_with_another_key_does_not_verify(entries, checkpoint_file, settings):
    access_log_checkpoint()
    settings.ACCESS_LOG_CHECKPOINT_KEY = "a-new-key-that-did-not-sign-the-file-0123456789"
    assert "bad signature" in verify_refused()


def test_the_nightly_task_is_scheduled():
    entry = settings.CELERY_BEAT_SCHEDULE["checkpoint-access-log"]
    assert entry["task"] == checkpoint_access_log.name


def test_the_nightly_mail_gives_each_regulator_administrator_the_checkpoint(entries, checkpoint_file, tmp_path):
    japanese = make_person("admin-ja", Role.REGULATOR_ADMIN)
    english = make_person("admin-en", Role.REGULATOR_ADMIN)
    staff = make_person("staff-with-mail", Role.REGULATOR_STAFF)
    for person, language in [(japanese, "ja"), (english, "en"), (staff, "ja")]:
        person.email, person.language = f"{person.username}@example.org", language
        person.save()
    make_person("admin-without-mail", Role.REGULATOR_ADMIN)

    last_id = checkpoint_access_log.delay().get()

    assert last_id == AccessLogEntry.objects.order_by("-id").first().pk
    line = file_lines(checkpoint_file)[-1]
    checkpoint = Checkpoint.from_line(line)
    assert sorted(message.to[0] for message in mail.outbox) == ["admin-en@example.org", "admin-ja@example.org"]
    for message in mail.outbox:
        assert line in message.body.splitlines()
        assert checkpoint.signature in message.body and checkpoint.last_hash in message.body
        assert f"{checkpoint.count}" in message.body
    by_person = {message.to[0]: message for message in mail.outbox}
    assert "Access log checkpoint of" in by_person["admin-en@example.org"].subject
    assert "Signature (HMAC-SHA256)" in by_person["admin-en@example.org"].body
    assert "署名" in by_person["admin-ja@example.org"].body

    # The mail's line is enough to verify with, as the mail says: the file itself may be gone.
    kept = tmp_path / "from-the-mail.jsonl"
    kept.write_text(line + "\n")
    checkpoint_file.unlink()
    call_command("verify_access_log", "--checkpoints", str(kept))
    lifted((f"DELETE FROM {TABLE} WHERE id > %s", [entries[0].pk]))
    assert f"Entries after {entries[0].pk} are missing" in verify_refused("--checkpoints", str(kept))
