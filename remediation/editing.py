"""Regulator staff keeping measures, the companies implementing them, and the dates of open items.

Each service refuses anyone but regulator staff, runs in one transaction and validates the whole record
before writing (see `compliance.editing`). An implementation is a tracked item: created with its first dates
as its baseline; its dates move afterwards through `item_dates_set` (or an approved deadline change), its
status through the progress workflow. Nothing that a company keeps private records on (progress updates,
with their reviews and evidence, deadline change requests, reminders) is ever removed: such a removal is refused.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from cases.models import Finding, Incident, SafeguardType
from compliance import clock
from compliance.editing import assign, locked, locked_at, next_position, require_regulator, save_changes, save_validated
from compliance.models import Company
from compliance.tracking import TIMING_FIELDS, TrackedItem
from compliance.versioning import check_version
from remediation.choices import DeadlineChangeState
from remediation.models import DeadlineChange, Implementation, Measure, ProgressUpdate, Reminder, about

if TYPE_CHECKING:
    from compliance.models import User

MEASURE_FIELDS = (
    "safeguard_type", "kind", "text_ja", "text_en", "deadline_text", "submitted_on", "completed_on"
)  # fmt: skip


@dataclass(frozen=True)
class Implementer:
    """A company carrying out a new measure, with the status and dates its implementation starts with."""

    company: Company
    status: str = ""
    due_on: datetime.date | None = None
    window_start: datetime.date | None = None
    window_end: datetime.date | None = None


def refuse_finding_removal(finding: Finding) -> None:
    """Refuse to remove a finding whose measures' items a company keeps records on (a `cases.editing` guard)."""
    refuse_loss_of_private_records(implementations=Implementation.objects.filter(measure__finding=finding))


def refuse_loss_of_private_records(
    *, implementations: QuerySet[Implementation] | None = None, incidents: QuerySet[Incident] | None = None
) -> None:
    """Refuse to remove items on which a company keeps records: progress updates, deadline changes, reminders.

    The items are locked first (inside the caller's transaction), as submitting an update locks its item: an update
    cannot arrive between this check and the removal, to be deleted with its item.
    """
    for items in (implementations, incidents):
        if items is not None:
            list(items.select_for_update().values_list("pk", flat=True))
    for model in (ProgressUpdate, DeadlineChange, Reminder):
        records = model.objects.none()
        if implementations is not None:
            records = records | model.objects.filter(implementation__in=implementations)
        if incidents is not None:
            records = records | model.objects.filter(incident__in=incidents)
        if records.exists():
            raise ValidationError(
                _("Companies keep progress updates, deadline requests or reminders on this: it cannot be removed."),
                code="has_private_records",
            )


# Measures ---------------------------------------------------------------------------------------------------


def measure_create(
    *,
    actor: User,
    finding: Finding,
    code: str,
    safeguard_type: SafeguardType,
    kind: str,
    text_ja: str,
    text_en: str = "",
    implementers: Sequence[Implementer] = (),
    deadline_text: str = "",
    submitted_on: datetime.date | None = None,
    completed_on: datetime.date | None = None,
) -> Measure:
    """Regulator staff record a measure under a finding, with the companies implementing it; it goes last.

    `deadline_text` keeps the deadline as the authority worded it ("概ね3年以内"); the implementations' dates are
    the regulator's reading of it."""
    require_regulator(actor)
    with transaction.atomic():
        measure = Measure(
            finding=finding,
            code=code,
            safeguard_type=safeguard_type,
            kind=kind,
            text_ja=text_ja,
            text_en=text_en,
            deadline_text=deadline_text,
            submitted_on=submitted_on,
            completed_on=completed_on,
            position=next_position(Measure.objects.filter(finding=finding)),
        )
        save_validated(measure)
        companies = [implementer.company.pk for implementer in implementers]
        if len(set(companies)) != len(companies):
            raise ValidationError({"implementers": _("Name each implementing company once.")})
        for implementer in implementers:
            _add_implementation(measure, implementer)
        return measure


def measure_update(*, actor: User, measure: Measure, version: int | None, **changes: object) -> Measure:
    """Regulator staff change a measure's safeguard type, kind or texts, at the version they saw (implementers:
    `implementation_add/remove`)."""
    require_regulator(actor)
    with transaction.atomic():
        measure = locked_at(measure, version)
        return save_changes(measure, assign(measure, changes, MEASURE_FIELDS))


def measure_delete(*, actor: User, measure: Measure, version: int | None) -> None:
    """Regulator staff remove a measure with its implementations, at the version they saw, refused once any company
    keeps records on them."""
    require_regulator(actor)
    with transaction.atomic():
        measure = locked_at(measure, version)
        refuse_loss_of_private_records(implementations=measure.implementations.all())
        measure.delete()


# Implementations --------------------------------------------------------------------------------------------


def implementation_add(
    *,
    actor: User,
    measure: Measure,
    company: Company,
    status: str = "",
    due_on: datetime.date | None = None,
    window_start: datetime.date | None = None,
    window_end: datetime.date | None = None,
) -> Implementation:
    """Regulator staff add a company implementing a measure: an open item, its first dates kept as its baseline."""
    require_regulator(actor)
    with transaction.atomic():
        measure = locked(measure)
        implementer = Implementer(company, status, due_on, window_start, window_end)
        return _add_implementation(measure, implementer)


def _add_implementation(measure: Measure, implementer: Implementer) -> Implementation:
    implementation = Implementation(
        measure=measure,
        company=implementer.company,
        status=implementer.status,
        due_on=implementer.due_on,
        window_start=implementer.window_start,
        window_end=implementer.window_end,
        baseline_due_on=implementer.due_on,
        baseline_window_start=implementer.window_start,
        baseline_window_end=implementer.window_end,
        tracked_since=clock.today(),
        position=next_position(Implementation.objects.filter(measure=measure)),
    )
    return save_validated(implementation)


def implementation_remove(*, actor: User, implementation: Implementation, item_version: int | None) -> None:
    """Regulator staff remove a company from a measure's implementers, at the version they saw.

    Refused once the company keeps records on it: its progress updates, deadline requests and reminders stay.
    """
    require_regulator(actor)
    with transaction.atomic():
        implementation = locked(implementation)
        check_version(item_version, implementation.version)
        refuse_loss_of_private_records(implementations=Implementation.objects.filter(pk=implementation.pk))
        implementation.delete()


# Dates of open items ----------------------------------------------------------------------------------------


def item_dates_set(
    *,
    actor: User,
    item: TrackedItem,
    item_version: int | None,
    due_on: datetime.date | None = None,
    window_start: datetime.date | None = None,
    window_end: datetime.date | None = None,
    **timing: object,
) -> TrackedItem:
    """The regulator sets or moves an open item's due date or window directly, at the version they saw.

    The dates given replace the item's (a due date, or a window, or neither). The original dates stay as the
    baseline; an item that had none takes these as its first. `timing` (`deadline_text`, `submitted_on`,
    `completed_on`) changes only what it names. The item's version is raised, unless nothing changed: then nothing
    is written. Refused while a company's request to move the date waits for a decision.
    """
    require_regulator(actor)
    with transaction.atomic():
        item = locked(item)
        check_version(item_version, item.version)
        dates = {"due_on": due_on, "window_start": window_start, "window_end": window_end}
        if all(getattr(item, name) == value for name, value in (dates | timing).items()):
            return item
        # A pending request would move the date again once approved: the regulator decides it first.
        if DeadlineChange.objects.filter(state=DeadlineChangeState.PENDING, **about(item)).exists():
            raise ValidationError(_("A company asked to move this item's date: decide that request first."))
        had_baseline = any(
            getattr(item, name) is not None
            for name in ("baseline_due_on", "baseline_window_start", "baseline_window_end")
        )
        assign(item, dates, dates)
        assign(item, timing, TIMING_FIELDS)
        if not had_baseline:
            item.baseline_due_on, item.baseline_window_start = due_on, window_start
            item.baseline_window_end = window_end
        item.full_clean()
        fields = [*dates, *TIMING_FIELDS, "baseline_due_on", "baseline_window_start", "baseline_window_end"]
        type(item).objects.filter(pk=item.pk).update(version=F("version") + 1, **{f: getattr(item, f) for f in fields})
        item.version += 1
        return item
