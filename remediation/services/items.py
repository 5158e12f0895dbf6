"""The item a write is about: the officer's own items, locking one, raising its version."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils.translation import gettext as _

from cases.models import Incident
from compliance.access import is_regulator
from compliance.choices import Role
from compliance.tracking import TrackedItem
from remediation.models import Implementation

if TYPE_CHECKING:
    from compliance.models import User


def _require_officer(actor: User) -> None:
    if actor.role != Role.COMPANY_OFFICER or actor.company_id is None:
        raise PermissionDenied(_("Only a company's compliance officer can do this."))


def _require_regulator(actor: User) -> None:
    if not is_regulator(actor):
        raise PermissionDenied(_("Only regulator staff can do this."))


def own_items(actor: User, item: TrackedItem):
    """The items of the officer's company, of the same kind as `item`, as the scoping rule sees them."""
    if isinstance(item, Implementation):
        return Implementation.objects.visible_to(actor).filter(company_id=actor.company_id)
    return Incident.objects.visible_to(actor).filter(pair__companies=actor.company_id)


def _lock_own_item(actor: User, item: TrackedItem) -> TrackedItem:
    """The item, locked for this transaction, if it is one of the officer's company's."""
    locked = own_items(actor, item).select_for_update(of=("self",)).filter(pk=item.pk).first()
    if locked is None:
        raise PermissionDenied(_("This item is not your company's."))
    return locked


def _lock_item(item: TrackedItem) -> TrackedItem:
    return type(item).objects.select_for_update().get(pk=item.pk)


def _bump(item: TrackedItem, **changes: object) -> None:
    """Apply changes to a locked item and raise its version."""
    for name, value in changes.items():
        setattr(item, name, value)
    type(item).objects.filter(pk=item.pk).update(version=F("version") + 1, **changes)
    item.version += 1
