"""Verifying the access log: every entry against its hash chain, and the chain against the signed checkpoints.

The walk follows the chain's positions (1, 2, 3… with no gap) from its start: the first entry, or the boundary
checkpoint the retention signed where it dropped the oldest months, or, to verify from a given day on, the newest
checkpoint taken before that day, so that verifying a day costs that day's entries, not the whole log.

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
from compliance.access_chain import access_log_chain, unchained_before
from compliance.audit import GENESIS_HASH
from compliance.checkpoints import Checkpoint, checkpoint_file, checkpoint_signature_valid
from compliance.models import AccessLogEntry
from compliance.models.audit import CHAINED_COLUMNS, chain_hash, chained_content

# The worker takes a checkpoint every night; one older than this means it has stopped.
CHECKPOINT_STALE_AFTER = datetime.timedelta(days=2)
# The sequencer chains entries within seconds; one left unchained longer than this means it has stopped.
UNCHAINED_STALE_AFTER = datetime.timedelta(minutes=5)
WALK_CHUNK = 5000


@dataclasses.dataclass(frozen=True)
class LogCheck:
    """What verifying the access log found: the entries and checkpoints checked, and each problem in words."""

    checked: int
    first_bad_id: int | None
    checkpoints: int
    problems: tuple[str, ...]
    warnings: tuple[str, ...]
    # The position the walk started after: 0 from the first entry, else a checkpoint's.
    start_position: int = 0

    @property
    def intact(self) -> bool:
        return not self.problems


@dataclasses.dataclass
class _Walk:
    """One pass over the log in order: entries seen, the first broken link, and what sits at the checkpoints' ids."""

    checked: int = 0
    last_id: int = 0
    last_position: int = 0
    first_bad_id: int | None = None
    gap: tuple[int, int, int] | None = None
    found: dict[int, tuple[str, int]] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class _Start:
    """Where a walk starts: after this position, whose entry has this hash; vouched by this checkpoint, if any."""

    position: int = 0
    entry_hash: str = GENESIS_HASH
    checkpoint: Checkpoint | None = None


def access_log_verify(*, checkpoints_from: Path | None = None, since: datetime.date | None = None) -> LogCheck:
    """Chain what is unchained, recompute the chain and compare it with every signed checkpoint (of
    ACCESS_LOG_CHECKPOINT_FILE by default); from the newest checkpoint before the day `since` when given."""
    path = checkpoints_from or checkpoint_file()
    problems: list[str] = []
    trusted = _trusted_checkpoints(path, problems)
    warnings = _unchained_warnings()
    access_log_chain()
    start = _start(trusted, since)
    walk = _walk(start, {checkpoint.last_id for checkpoint in trusted})
    if walk.gap is not None:
        first, last, after = walk.gap
        problems.append(
            _(
                "Entries at positions %(first)s to %(last)s of the chain are missing (just before entry %(id)s): "
                "they were removed after they were chained."
            )
            % {"first": first, "last": last, "id": after}
        )
    if walk.first_bad_id is not None:
        problems.append(
            _(
                "The chain is broken at entry %(id)s: it was changed after it was written, or an entry before it "
                "was removed."
            )
            % {"id": walk.first_bad_id}
        )
    problems += _compare([c for c in trusted if c.position > start.position], walk, start)
    return LogCheck(
        checked=walk.checked,
        first_bad_id=walk.first_bad_id,
        checkpoints=len(trusted),
        problems=tuple(problems),
        warnings=tuple(warnings + _warnings(trusted, path)),
        start_position=start.position,
    )


def _start(trusted: list[Checkpoint], since: datetime.date | None) -> _Start:
    """Where the walk starts: the newest boundary of the retention, or the newest checkpoint before `since` after it,
    or the chain's first entry (`trusted` is in the chain's order)."""
    start = _start_at([checkpoint for checkpoint in trusted if checkpoint.boundary], _Start())
    if since is not None:
        day_start = datetime.datetime.combine(since, datetime.time.min, tzinfo=clock.TOKYO)
        start = _start_at([c for c in trusted if c.moment <= day_start and c.position > start.position], start)
    return start


def _start_at(checkpoints: list[Checkpoint], otherwise: _Start) -> _Start:
    """A start at the last of `checkpoints` (in the chain's order), or `otherwise` when there is none."""
    if not checkpoints:
        return otherwise
    newest = checkpoints[-1]
    return _Start(newest.position, newest.last_hash, newest)


def _unchained_warnings() -> list[str]:
    stale = unchained_before(clock.now() - UNCHAINED_STALE_AFTER)
    if not stale:
        return []
    return [
        ngettext(
            "%(count)s entry waited more than five minutes to be chained: is the sequencer (Celery beat) running?",
            "%(count)s entries waited more than five minutes to be chained: is the sequencer (Celery beat) running?",
            stale,
        )
        % {"count": stale}
    ]


def _trusted_checkpoints(path: Path, problems: list[str]) -> list[Checkpoint]:
    """The checkpoints of the file whose signature holds, in the chain's order; a problem for every other line."""
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
    return sorted(trusted, key=lambda checkpoint: (checkpoint.position, checkpoint.at))


def _walk(start: _Start, wanted: set[int]) -> _Walk:
    """Recompute every entry's hash in the chain's order after `start`, noting gaps in the positions, the first
    broken link, and the hash and position of each checkpoint's entry."""
    walk = _Walk(last_position=start.position, last_id=start.checkpoint.last_id if start.checkpoint else 0)
    previous = start.entry_hash
    rows = (
        AccessLogEntry.objects.filter(position__gt=start.position)
        .order_by("position")
        .values_list("id", "position", "previous_hash", "entry_hash", *CHAINED_COLUMNS)
    )
    for entry_id, position, previous_hash, entry_hash, *values in rows.iterator(chunk_size=WALK_CHUNK):
        walk.checked += 1
        if walk.gap is None and position > walk.last_position + 1:
            walk.gap = (walk.last_position + 1, position - 1, entry_id)
        broken = position <= walk.last_position or previous_hash != previous
        if walk.first_bad_id is None and (broken or chain_hash(previous_hash, chained_content(values)) != entry_hash):
            walk.first_bad_id = entry_id
        previous, walk.last_id, walk.last_position = entry_hash, entry_id, position
        if entry_id in wanted:
            walk.found[entry_id] = (entry_hash, position)
    return walk


def _compare(trusted: list[Checkpoint], walk: _Walk, start: _Start) -> list[str]:
    """What the log lacks or holds differently from the checkpoints after the start: an emptied log, a cut tail, a
    rewritten past."""
    vouching = [checkpoint for checkpoint in trusted if checkpoint.count > 0]
    if not vouching:
        return []
    newest = vouching[-1]
    if walk.checked == 0 and start.position == 0:
        return [
            _(
                "The access log is empty, but the checkpoint of %(at)s vouches for %(count)s entries up to entry "
                "%(id)s: the log was emptied."
            )
            % {"at": _moment(newest), "count": newest.count, "id": newest.last_id}
        ]
    problems = []
    if newest.position > walk.last_position:
        problems.append(
            _(
                "Entries after %(last)s are missing: the checkpoint of %(at)s vouches for %(count)s entries up to "
                "entry %(id)s, and the log now ends at entry %(last)s."
            )
            % {"last": walk.last_id, "at": _moment(newest), "count": newest.count, "id": newest.last_id}
        )
    mismatches = [m for m in (_mismatch(c, walk) for c in vouching if c.position <= walk.last_position) if m]
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
