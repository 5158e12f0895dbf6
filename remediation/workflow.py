"""The status an item may move to from the status it has: the one table every write checks."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from compliance.choices import ItemStatus

PLANNED, IN_PROGRESS, DONE, BLOCKED = ItemStatus.PLANNED, ItemStatus.IN_PROGRESS, ItemStatus.DONE, ItemStatus.BLOCKED

# Reporting the same status again is progress without a change of state. A done item is closed.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    "": frozenset({PLANNED, IN_PROGRESS, BLOCKED, DONE}),
    PLANNED: frozenset({PLANNED, IN_PROGRESS, BLOCKED, DONE}),
    IN_PROGRESS: frozenset({IN_PROGRESS, BLOCKED, DONE}),
    BLOCKED: frozenset({BLOCKED, PLANNED, IN_PROGRESS}),
    DONE: frozenset(),
}


def allowed_statuses(current: str) -> list[str]:
    """The statuses an item at `current` may be reported at, in workflow order."""
    allowed = ALLOWED_TRANSITIONS[current]
    return [status for status in ItemStatus.values if status in allowed]


def check_transition(current: str, new: str) -> None:
    """Refuse a move the table does not allow, with a message saying which moves are allowed."""
    if new not in ItemStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if new in ALLOWED_TRANSITIONS[current]:
        return
    if current == DONE:
        raise ValidationError({"status": _("This item is done: it takes no further status.")})
    labels = ", ".join(str(ItemStatus(s).label) for s in allowed_statuses(current))
    raise ValidationError(
        {
            "status": _("An item at “%(current)s” cannot move to “%(new)s”. Allowed: %(allowed)s.")
            % {"current": ItemStatus(current).label, "new": ItemStatus(new).label, "allowed": labels}
        }
    )
