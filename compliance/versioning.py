"""Optimistic locking: a write names the version it was based on, and is refused if the record moved on."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


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


class Versioned(models.Model):
    """A record whose every change raises its version, so that two people changing it at once cannot overwrite
    each other: a write names the version it was based on (`check_version`), a write that changes nothing raises
    nothing."""

    version = models.PositiveIntegerField(gettext_lazy("version"), default=1)

    class Meta:
        abstract = True

    @property
    def etag(self) -> str | None:
        """The HTTP entity tag of the record's current version; None when the version is hidden from the reader."""
        return None if self.version is None else f'"{self.version}"'
