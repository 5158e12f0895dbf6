"""Writes about reporting duties: the regulator requires regular progress updates on an item, or lifts that."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from compliance import clock
from compliance.choices import ReportingEvery
from compliance.tracking import TrackedItem
from compliance.versioning import check_version
from remediation.services.items import _bump, _lock_item, _require_regulator

if TYPE_CHECKING:
    from compliance.models import User


def reporting_duty_set(
    *,
    actor: User,
    item: TrackedItem,
    item_version: int | None,
    every: str,
    since: datetime.date | None = None,
) -> TrackedItem:
    """The regulator requires a progress update on an open item every month or quarter, or lifts the duty, at the
    version they saw; asking for the duty as it stands changes nothing."""
    _require_regulator(actor)
    if every not in ["", *ReportingEvery.values]:
        raise ValidationError({"every": _("Choose every month, every quarter, or no requirement.")})
    with transaction.atomic():
        locked = _lock_item(item)
        check_version(item_version, locked.version)
        changes = {"reporting_every": every, "reporting_since": (since or clock.today()) if every else None}
        if all(getattr(locked, name) == value for name, value in changes.items()):
            return locked  # nothing changes: nothing is written, the version stays
        if every and not locked.is_open:
            raise ValidationError(_("This item is done: it owes no more progress updates."))
        _bump(locked, **changes)
        return locked
