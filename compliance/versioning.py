"""Optimistic locking: a write names the version it was based on, and is refused if the record moved on."""

from __future__ import annotations

from django.utils.translation import gettext as _


class ConflictError(Exception):
    """Someone else changed the record since the person saw it: nothing was written."""

    def __init__(self, current_version: int) -> None:
        self.current_version = current_version
        super().__init__(
            _("Someone else changed this item since you opened it. Reload it, check the change and try again.")
        )


def check_version(expected: int | None, actual: int) -> None:
    """Refuse a write based on a version other than the current one."""
    if expected is None or int(expected) != actual:
        raise ConflictError(actual)
