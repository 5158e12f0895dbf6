"""Writes about deadline changes: an officer asks to move a date, the regulator approves or refuses."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from compliance import clock
from compliance.tracking import TrackedItem
from compliance.versioning import check_version
from compliance.webhooks import publish, reference
from remediation.choices import DeadlineChangeState
from remediation.models import DeadlineChange, about
from remediation.services.items import _bump, _lock_item, _lock_own_item, _require_officer, _require_regulator

if TYPE_CHECKING:
    from compliance.models import User


def deadline_change_request(
    *,
    actor: User,
    item: TrackedItem,
    item_version: int | None,
    proposed: datetime.date | None,
    reason: str,
) -> DeadlineChange:
    """An officer asks to move the item's due date or the end of its window, giving a reason."""
    _require_officer(actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    if proposed is None:
        raise ValidationError({"proposed": _("Give the date you propose.")})
    with transaction.atomic():
        locked = _lock_own_item(actor, item)
        check_version(item_version, locked.version)
        dates = _proposed_dates(locked, proposed)
        if DeadlineChange.objects.filter(state=DeadlineChangeState.PENDING, **about(locked)).exists():
            raise ValidationError(_("A change of this item's date is already waiting for a decision."))
        change = DeadlineChange.objects.create(
            company_id=actor.company_id,
            requested_by=actor,
            reason=reason.strip(),
            previous_due_on=locked.due_on,
            previous_window_end=locked.window_end,
            **dates,
            **about(locked),
        )
        _bump(locked)
        publish("deadline_change.requested", change, data={"item": reference(locked)})
        return change


def _proposed_dates(item: TrackedItem, proposed: datetime.date) -> dict[str, datetime.date]:
    if item.window_end is not None:
        if proposed < item.window_start:
            raise ValidationError({"proposed": _("The window cannot end before it starts.")})
        if proposed == item.window_end:
            raise ValidationError({"proposed": _("That is the current date.")})
        return {"proposed_window_end": proposed}
    if item.due_on is not None:
        if proposed == item.due_on:
            raise ValidationError({"proposed": _("That is the current date.")})
        return {"proposed_due_on": proposed}
    raise ValidationError(_("This item has no due date or window to move."))


def deadline_change_decide(
    *, actor: User, change: DeadlineChange, change_version: int | None, approve: bool, comment: str = ""
) -> DeadlineChange:
    """The regulator approves (the item's dates move; its original dates stay as the baseline) or refuses."""
    _require_regulator(actor)
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Say why the change is refused.")})
    with transaction.atomic():
        locked = DeadlineChange.objects.visible_to(actor).select_for_update().get(pk=change.pk)
        check_version(change_version, locked.version)
        if locked.state != DeadlineChangeState.PENDING:
            raise ValidationError(_("This request has been decided already."))
        if approve:
            item = _lock_item(locked.subject)
            if locked.proposed_window_end is not None:
                _bump(item, window_end=locked.proposed_window_end)
            else:
                _bump(item, due_on=locked.proposed_due_on)
        locked.state = DeadlineChangeState.APPROVED if approve else DeadlineChangeState.REFUSED
        locked.decided_by = actor
        locked.decided_at = clock.now()
        locked.decision_comment = comment.strip()
        locked.version += 1
        locked.save()
        publish("deadline_change.decided", locked, data={"state": locked.state, "item": reference(locked.subject)})
        return locked
