"""Checkpoints of the access log: the chain's head, signed with a key that lives outside the database, kept in a file.

A checkpoint is one JSON line: the last chained entry's id and hash, its position in the chain (`count`: the number
of entries from the first up to it, the chain having no gap), the moment it was taken, and an HMAC-SHA256 over those
with ACCESS_LOG_CHECKPOINT_KEY. Version 2 adds `boundary`: true on the checkpoint the retention takes where it drops
the oldest months (after their archive), from which verification starts instead of the first entry. A version 1
line reads as before: its count was the position too (the migration to positions numbered the entries in order).
The worker appends one to ACCESS_LOG_CHECKPOINT_FILE
every night and mails it to the regulator's administrators. Whoever can rewrite the database can rebuild the hash
chain, but cannot sign a checkpoint: an emptied log, a cut tail or a rewritten past no longer matches the checkpoints
taken before (`compliance.log_check.access_log_verify`).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import hmac
import json
import os
import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.utils import translation

from compliance import clock
from compliance.access_chain import access_log_chain, chain_end
from compliance.choices import Role

VERSION = 2
READABLE_VERSIONS = (1, 2)
# What the signature covers is told apart from anything else the key might ever sign.
PURPOSE = b"compliance access log checkpoint\n"
HEX_64 = re.compile(r"[0-9a-f]{64}")


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    """The head of the access log's chain at one moment: last entry, its hash, the entries up to it, the signature."""

    last_id: int
    last_hash: str
    count: int
    at: str
    signature: str = ""
    version: int = VERSION
    boundary: bool = False

    @property
    def position(self) -> int:
        """The position in the chain of the entry it vouches for."""
        return self.count

    def signed_content(self) -> bytes:
        """The bytes the signature covers: every field but the signature, in a stable form."""
        fields = self._fields()
        del fields["signature"]
        return PURPOSE + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def line(self) -> str:
        """The checkpoint as one line of the checkpoint file (and of the mail)."""
        return json.dumps(self._fields(), sort_keys=True, separators=(",", ":"))

    def _fields(self) -> dict[str, object]:
        fields = dataclasses.asdict(self)
        if self.version == 1:
            del fields["boundary"]  # a version 1 line has none, and its signature covers none
        return fields

    @property
    def moment(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.at)

    @classmethod
    def from_line(cls, line: str) -> Checkpoint:
        """A checkpoint read back from its line; ValueError when the line is not one."""
        try:
            fields = json.loads(line)
            checkpoint = cls(**fields)
            checkpoint.moment  # noqa: B018 (a malformed moment raises here)
        except (TypeError, AttributeError, json.JSONDecodeError) as error:
            raise ValueError(str(error)) from None
        integers = (checkpoint.last_id, checkpoint.count, checkpoint.version)
        if not all(type(value) is int and value >= 0 for value in integers):
            raise ValueError("the ids and counts of a checkpoint are whole numbers")
        if checkpoint.version not in READABLE_VERSIONS or type(checkpoint.boundary) is not bool:
            raise ValueError("a checkpoint of a version this one does not read")
        if checkpoint.version == 1 and "boundary" in fields:
            raise ValueError("a version 1 checkpoint has no boundary")
        if not all(isinstance(v, str) and HEX_64.fullmatch(v) for v in (checkpoint.last_hash, checkpoint.signature)):
            raise ValueError("a checkpoint's hash and signature are 64 hexadecimal digits")
        return checkpoint


def checkpoint_key() -> bytes:
    """The signing key, from the settings; refused clearly when there is none."""
    key = settings.ACCESS_LOG_CHECKPOINT_KEY
    if not key:
        raise ImproperlyConfigured(
            "Set ACCESS_LOG_CHECKPOINT_KEY (see .env.example): the access log's checkpoints are signed with it."
        )
    return key.encode()


def checkpoint_sign(checkpoint: Checkpoint) -> Checkpoint:
    """The checkpoint with its HMAC-SHA256 signature."""
    signature = hmac.new(checkpoint_key(), checkpoint.signed_content(), hashlib.sha256).hexdigest()
    return dataclasses.replace(checkpoint, signature=signature)


def checkpoint_signature_valid(checkpoint: Checkpoint) -> bool:
    """Whether the checkpoint was signed with this installation's key and not changed since."""
    expected = hmac.new(checkpoint_key(), checkpoint.signed_content(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, checkpoint.signature)


def chain_head() -> Checkpoint:
    """The chain's head now, unsigned: the last chained entry, its hash and position, once the sequencer has chained
    every entry committed so far."""
    access_log_chain()
    end = chain_end()
    return Checkpoint(last_id=end.entry_id, last_hash=end.entry_hash, count=end.position, at=clock.now().isoformat())


def checkpoint_file() -> Path:
    return Path(settings.ACCESS_LOG_CHECKPOINT_FILE)


def checkpoint_append(*, checkpoint: Checkpoint, path: Path) -> None:
    """Append one line to the checkpoint file, on disk before returning; the file and its folder made if need be."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        size = os.fstat(descriptor).st_size
        # A line cut short by a crash stays a line of its own (and is reported as damaged), not glued to this one.
        separator = b"\n" if size and os.pread(descriptor, 1, size - 1) != b"\n" else b""
        os.write(descriptor, separator + checkpoint.line().encode() + b"\n")
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def access_log_checkpoint() -> Checkpoint:
    """Sign the chain's head and append it to the checkpoint file."""
    checkpoint = checkpoint_sign(chain_head())
    checkpoint_append(checkpoint=checkpoint, path=checkpoint_file())
    return checkpoint


def access_log_checkpoint_mail(*, checkpoint: Checkpoint) -> int:
    """Mail the checkpoint to every regulator administrator, a copy kept outside the tracker; returns how many."""
    people = get_user_model().objects.filter(is_active=True, role=Role.REGULATOR_ADMIN).exclude(email="")
    context = {"checkpoint": checkpoint, "at": checkpoint.moment.astimezone(clock.TOKYO), "line": checkpoint.line()}
    messages = []
    for person in people.order_by("pk"):
        with translation.override(person.language):
            subject = render_to_string("compliance/mail/access_log_checkpoint_subject.txt", context).strip()
            body = render_to_string("compliance/mail/access_log_checkpoint_body.txt", context)
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [person.email]))
    return send_mass_mail(messages, fail_silently=False)
