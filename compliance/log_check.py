"""Verifying the access log: every entry against its hash chain, and the chain against the signed checkpoints.

The chain finds an entry changed in place. The checkpoints find what the chain alone cannot: entries cut from the
end, a table emptied, or a past rewritten with its chain rebuilt. Every problem is told in words an operator can act
on; `python manage.py verify_access_log` prints them, and the web or a task may call `access_log_verify` as well.
"""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compliance import clock
from compliance.audit import GENESIS_HASH
from compliance.checkpoints import Checkpoint, checkpoint_file, checkpoint_signature_valid
from compliance.models import AccessLogEntry

# The worker takes a checkpoint every night; one older than this means it has stopped.
CHECKPOINT_STALE_AFTER = datetime.timedelta(days=2)


@dataclasses.dataclass(frozen=True)
class LogCheck:
    """What verifying the access log found: the entries and checkpoints checked, and each problem in words."""

    checked: int
    first_bad_id: int | None
    checkpoints: int
    problems: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def intact(self) -> bool:
        return not self.problems


@dataclasses.dataclass
class _Walk:
    """One pass over the log in order: entries seen, the first broken link, and what sits at the checkpoints' ids."""

    checked: int = 0
    last_id: int = 0
    first_bad_id: int | None = None
    found: dict[int, tuple[str, int]] = dataclasses.field(default_factory=dict)


def access_log_verify(*, checkpoints_from: Path | None = None) -> LogCheck:
    """Recompute the chain and compare it with every signed checkpoint (of ACCESS_LOG_CHECKPOINT_FILE by default)."""
    path = checkpoints_from or checkpoint_file()
    problems: list[str] = []
    trusted = _trusted_checkpoints(path, problems)
    walk = _walk({checkpoint.last_id for checkpoint in trusted})
    if walk.first_bad_id is not None:
        problems.append(
            _(
                "The chain is broken at entry %(id)s: it was changed after it was written, or an entry before it "
                "was removed."
            )
            % {"id": walk.first_bad_id}
        )
    problems += _compare(trusted, walk)
    return LogCheck(
        checked=walk.checked,
        first_bad_id=walk.first_bad_id,
        checkpoints=len(trusted),
        problems=tuple(problems),
        warnings=tuple(_warnings(trusted, path)),
    )


def _trusted_checkpoints(path: Path, problems: list[str]) -> list[Checkpoint]:
    """The checkpoints of the file whose signature holds, in order; a problem for every other line."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines() if path.exists() else []
    except OSError as error:
        problems.append(_("The checkpoint file %(path)s cannot be read: %(error)s.") % {"path": path, "error": error})
        return []
    trusted = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            checkpoint = Checkpoint.from_line(line)
        except ValueError:
            problems.append(
                _("Line %(line)s of the checkpoint file %(path)s is not a checkpoint: it was damaged or edited.")
                % {"line": number, "path": path}
            )
            continue
        if not checkpoint_signature_valid(checkpoint):
            problems.append(
                _(
                    "The checkpoint on line %(line)s of %(path)s (%(at)s, entry %(id)s) has a bad signature: it was "
                    "forged or altered, or signed with another ACCESS_LOG_CHECKPOINT_KEY than this one."
                )
                % {"line": number, "path": path, "at": _moment(checkpoint), "id": checkpoint.last_id}
            )
            continue
        trusted.append(checkpoint)
    return sorted(trusted, key=lambda checkpoint: (checkpoint.last_id, checkpoint.at))


def _walk(wanted: set[int]) -> _Walk:
    """Recompute every entry's hash in order, noting the hash and the count at each checkpoint's id."""
    walk = _Walk()
    previous = GENESIS_HASH
    for entry in AccessLogEntry.objects.order_by("id").iterator(chunk_size=2000):
        walk.checked += 1
        if walk.first_bad_id is None and (entry.previous_hash != previous or entry.compute_hash() != entry.entry_hash):
            walk.first_bad_id = entry.pk
        previous, walk.last_id = entry.entry_hash, entry.pk
        if entry.pk in wanted:
            walk.found[entry.pk] = (entry.entry_hash, walk.checked)
    return walk


def _compare(trusted: list[Checkpoint], walk: _Walk) -> list[str]:
    """What the log lacks or holds differently from the checkpoints: an emptied log, a cut tail, a rewritten past."""
    vouching = [checkpoint for checkpoint in trusted if checkpoint.count > 0]
    if not vouching:
        return []
    newest = vouching[-1]
    if walk.checked == 0:
        return [
            _(
                "The access log is empty, but the checkpoint of %(at)s vouches for %(count)s entries up to entry "
                "%(id)s: the log was emptied."
            )
            % {"at": _moment(newest), "count": newest.count, "id": newest.last_id}
        ]
    problems = []
    if newest.last_id > walk.last_id:
        problems.append(
            _(
                "Entries after %(last)s are missing: the checkpoint of %(at)s vouches for %(count)s entries up to "
                "entry %(id)s, and the log now ends at entry %(last)s."
            )
            % {"last": walk.last_id, "at": _moment(newest), "count": newest.count, "id": newest.last_id}
        )
    mismatches = [m for m in (_mismatch(c, walk) for c in vouching if c.last_id <= walk.last_id) if m]
    if mismatches:
        problems.append(mismatches[0])
    if len(mismatches) > 1:
        later = len(mismatches) - 1
        problems.append(
            ngettext(
                "%(count)s later checkpoint does not match the log either.",
                "%(count)s later checkpoints do not match the log either.",
                later,
            )
            % {"count": later}
        )
    return problems


def _mismatch(checkpoint: Checkpoint, walk: _Walk) -> str:
    """How the log differs at one checkpoint's entry, or "" when it is as the checkpoint says."""
    values = {"at": _moment(checkpoint), "id": checkpoint.last_id, "count": checkpoint.count}
    found = walk.found.get(checkpoint.last_id)
    if found is None:
        return _("Entry %(id)s is missing: the checkpoint of %(at)s vouches for it.") % values
    entry_hash, count = found
    if entry_hash != checkpoint.last_hash:
        return (
            _(
                "Entry %(id)s is not the one the checkpoint of %(at)s vouches for (its hash differs): entries up to it "
                "were changed, removed or added, and the chain rebuilt."
            )
            % values
        )
    if count != checkpoint.count:
        return _(
            "The checkpoint of %(at)s counts %(count)s entries up to entry %(id)s, and the log holds %(now)s: "
            "entries were removed or added."
        ) % {**values, "now": count}
    return ""


def _warnings(trusted: list[Checkpoint], path: Path) -> list[str]:
    if not trusted:
        return [
            _(
                "No checkpoint in %(path)s: nothing vouches for the end of the log yet (the worker takes one every "
                "night)."
            )
            % {"path": path}
        ]
    newest = max(trusted, key=lambda checkpoint: checkpoint.moment)
    if clock.now() - newest.moment > CHECKPOINT_STALE_AFTER:
        return [
            _("The newest checkpoint is of %(at)s: no checkpoint was taken since. Is Celery beat running?")
            % {"at": _moment(newest)}
        ]
    return []


def _moment(checkpoint: Checkpoint) -> str:
    """When a checkpoint was taken, as a person reads it: Tokyo's time, to the second."""
    return f"{checkpoint.moment.astimezone(clock.TOKYO):%Y-%m-%d %H:%M:%S} JST"
