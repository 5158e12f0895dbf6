"""Writes of the remediation app."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Incident
from compliance.choices import ItemStatus, Role
from remediation.models import Implementation, ProgressUpdate

if TYPE_CHECKING:
    from compliance.models import User


def progress_update_create(
    *,
    actor: User,
    implementation: Implementation | None = None,
    incident: Incident | None = None,
    status: str,
    narrative: str,
    next_milestone_on: datetime.date | None = None,
) -> ProgressUpdate:
    """Record an officer's progress update on an implementation of their company or an incident of its pair.

    The subject is looked up again inside the transaction, through the scoping rule, so that a record the
    officer may not see cannot be reported on, whatever the caller passed.
    """
    if actor.role != Role.COMPANY_OFFICER or actor.company_id is None:
        raise PermissionDenied(_("Only a company's compliance officer submits progress updates."))
    if (implementation is None) == (incident is None):
        raise ValidationError(_("A progress update is about one implementation or one incident."))
    if status not in ItemStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if not narrative.strip():
        raise ValidationError({"narrative": _("Describe the progress.")})
    with transaction.atomic():
        if implementation is not None:
            implementation = _own_implementation(actor, implementation.pk)
        else:
            incident = _own_incident(actor, incident.pk)
        return ProgressUpdate.objects.create(
            company_id=actor.company_id,
            author=actor,
            implementation=implementation,
            incident=incident,
            status=status,
            narrative=narrative.strip(),
            next_milestone_on=next_milestone_on,
        )


def _own_implementation(actor: User, pk: int) -> Implementation:
    found = Implementation.objects.visible_to(actor).filter(pk=pk, company_id=actor.company_id).first()
    if found is None:
        raise PermissionDenied(_("This implementation is not your company's."))
    return found


def _own_incident(actor: User, pk: int) -> Incident:
    found = Incident.objects.visible_to(actor).filter(pk=pk, pair__companies=actor.company_id).first()
    if found is None:
        raise PermissionDenied(_("This incident is not your company's."))
    return found
