"""Writes of the remediation app: progress updates, the regulator's review, deadline changes.

Each runs in one transaction, locks the item it changes, checks the version the person saw, re-checks
scope through `visible_to`, and sends its notification only after the transaction commits.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Func, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from cases.models import Incident
from compliance import clock
from compliance.access import REGULATOR_ROLES, is_regulator
from compliance.choices import ItemStatus, ReportingEvery, Role
from compliance.tracking import TrackedItem
from remediation.choices import DeadlineChangeState, ReminderKind, ReviewDecision, ReviewState
from remediation.evidence import CheckedUpload, check_upload
from remediation.models import (
    DailyCount,
    DeadlineChange,
    DigestSchedule,
    Evidence,
    Implementation,
    ProgressUpdate,
    RegulatorDigest,
    Reminder,
    ReminderPolicy,
    ReminderRecipient,
    Review,
    about,
)
from remediation.notifications import notify_after_commit, queue_regulator_digest, queue_reminder_digest
from remediation.reminders import companies_concerned, owed_moment, owed_reporting_moment
from remediation.reporting import reporting_of
from remediation.workflow import check_transition, check_version

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

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


def check_uploads(files: Sequence[UploadedFile]) -> list[CheckedUpload]:
    """Check every file before anything is stored; refuse them all with every reason at once."""
    if len(files) > settings.EVIDENCE_MAX_FILES:
        raise ValidationError({"evidence": _("Attach at most %(n)d files.") % {"n": settings.EVIDENCE_MAX_FILES}})
    checked, errors = [], []
    for upload in files:
        try:
            checked.append(check_upload(upload))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"evidence": errors})
    return checked


def progress_update_submit(
    *,
    actor: User,
    item: TrackedItem,
    item_version: int | None,
    status: str,
    narrative: str,
    next_milestone_on: datetime.date | None = None,
    files: Sequence[UploadedFile] = (),
    in_reply_to: ProgressUpdate | None = None,
) -> ProgressUpdate:
    """An officer reports progress on an item of their company; the item's status waits for acceptance."""
    _require_officer(actor)
    if not narrative.strip():
        raise ValidationError({"narrative": _("Describe the progress.")})
    uploads = check_uploads(files)
    stored: list[Evidence] = []
    try:
        with transaction.atomic():
            locked = _lock_own_item(actor, item)
            check_version(item_version, locked.version)
            check_transition(locked.status, status)
            if in_reply_to is not None:
                _check_reply(actor, locked, in_reply_to)
            update = ProgressUpdate.objects.create(
                company_id=actor.company_id,
                author=actor,
                status=status,
                narrative=narrative.strip(),
                next_milestone_on=next_milestone_on,
                in_reply_to=in_reply_to,
                **about(locked),
            )
            for checked in uploads:
                stored.append(_store_evidence(update, checked))
            _bump(locked)
            Reminder.objects.filter(company_id=actor.company_id, acted_on_at__isnull=True, **about(locked)).update(
                acted_on_at=clock.now()
            )
            notify_after_commit("submitted", update.pk)
            return update
    except Exception:
        # Nothing of a refused submission stays behind, files included.
        for evidence in stored:
            evidence.file.storage.delete(evidence.file.name)
        raise


def _check_reply(actor: User, item: TrackedItem, request: ProgressUpdate) -> None:
    request = ProgressUpdate.objects.visible_to(actor).select_for_update().filter(pk=request.pk).first()
    if request is None or request.subject != item:
        raise ValidationError({"in_reply_to": _("That request is not about this item.")})
    if request.review_state != ReviewState.INFO_REQUESTED:
        raise ValidationError({"in_reply_to": _("No information was requested on that update.")})
    if ProgressUpdate.objects.filter(in_reply_to=request).exists():
        raise ValidationError({"in_reply_to": _("That request has been answered already.")})


def _store_evidence(update: ProgressUpdate, checked: CheckedUpload) -> Evidence:
    evidence = Evidence(
        company_id=update.company_id,
        update=update,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    evidence.file.save(checked.name, checked.upload, save=False)
    evidence.save()
    return evidence


def _lock_update_for_review(actor: User, update: ProgressUpdate, update_version: int | None) -> ProgressUpdate:
    _require_regulator(actor)
    locked = ProgressUpdate.objects.visible_to(actor).select_for_update().get(pk=update.pk)
    check_version(update_version, locked.version)
    if locked.review_state != ReviewState.SUBMITTED:
        raise ValidationError(_("This update has been reviewed already."))
    return locked


def progress_update_accept(
    *, actor: User, update: ProgressUpdate, update_version: int | None, comment: str = ""
) -> Review:
    """The regulator accepts an update: only now does the item take the reported status."""
    with transaction.atomic():
        locked = _lock_update_for_review(actor, update, update_version)
        item = _lock_item(locked.subject)
        check_transition(item.status, locked.status)
        _bump(item, status=locked.status)
        return _review(actor, locked, ReviewDecision.ACCEPT, ReviewState.ACCEPTED, comment, "accepted")


def progress_update_request_info(
    *, actor: User, update: ProgressUpdate, update_version: int | None, comment: str
) -> Review:
    """The regulator asks for more: the officer answers with a new update; the item does not change."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say what information is needed.")})
    with transaction.atomic():
        locked = _lock_update_for_review(actor, update, update_version)
        return _review(actor, locked, ReviewDecision.REQUEST_INFO, ReviewState.INFO_REQUESTED, comment, "returned")


def _review(actor: User, update: ProgressUpdate, decision: str, state: str, comment: str, event: str) -> Review:
    ProgressUpdate.objects.filter(pk=update.pk).update(review_state=state, version=F("version") + 1)
    review = Review.objects.create(
        company_id=update.company_id, update=update, reviewer=actor, decision=decision, comment=comment.strip()
    )
    notify_after_commit(event, update.pk)
    return review


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
        return locked


def person_preferences_set(*, actor: User, language: str, digest_time: datetime.time | None) -> User:
    """A person chooses the language of their mail and the time of their reminder digest, within the limits."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose Japanese or English.")})
    schedule = DigestSchedule.current()
    if digest_time is not None and not schedule.earliest <= digest_time <= schedule.latest:
        raise ValidationError(
            {
                "digest_time": _("Choose a time between %(earliest)s and %(latest)s.")
                % {"earliest": f"{schedule.earliest:%H:%M}", "latest": f"{schedule.latest:%H:%M}"}
            }
        )
    with transaction.atomic():
        person = get_user_model().objects.select_for_update().get(pk=actor.pk)
        person.language, person.digest_time = language, digest_time
        person.save(update_fields=["language", "digest_time"])
    return person


def reporting_duty_set(
    *,
    actor: User,
    item: TrackedItem,
    item_version: int | None,
    every: str,
    since: datetime.date | None = None,
) -> TrackedItem:
    """The regulator requires a progress update on an open item every month or quarter, or lifts the duty."""
    _require_regulator(actor)
    if every not in ["", *ReportingEvery.values]:
        raise ValidationError({"every": _("Choose every month, every quarter, or no requirement.")})
    with transaction.atomic():
        locked = _lock_item(item)
        check_version(item_version, locked.version)
        if every and not locked.is_open:
            raise ValidationError(_("This item is done: it owes no more progress updates."))
        _bump(locked, reporting_every=every, reporting_since=(since or clock.today()) if every else None)
        return locked


def daily_counts_take(*, day: datetime.date) -> int:
    """Record the day's counts by case, status, company and safeguard type; taken again, it replaces that day's.

    Overdue means open with its due date or window end before `day`; `overdue_days` sums how long.
    """
    by_implementation = ["measure__finding__case_id", "company_id", "measure__safeguard_type_id"]
    rows = [
        *_counts(Implementation.objects.all(), "implementation", day, by_implementation),
        *_counts(Incident.objects.all(), "incident", day, ["pair__case_id"]),
    ]
    with transaction.atomic():
        DailyCount.objects.filter(day=day).delete()
        DailyCount.objects.bulk_create(rows)
    return len(rows)


def _days_between(later, earlier) -> Func:
    """Whole days from `earlier` to `later` (PostgreSQL's date minus date)."""
    return Func(later, earlier, template="(%(expressions)s)", arg_joiner=" - ", output_field=IntegerField())


def _counts(items, kind: str, day: datetime.date, groups: list[str]) -> list[DailyCount]:
    ends = Coalesce("window_end", "due_on")
    overdue = ~Q(status=ItemStatus.DONE) & Q(end__lt=day)
    rows = (
        items.annotate(end=ends)
        .values(*groups, "status")
        .annotate(
            count=Count("pk"),
            overdue=Count("pk", filter=overdue),
            overdue_days=Coalesce(Sum(_days_between(Value(day), F("end")), filter=overdue), 0),
        )
        .order_by()
    )
    return [
        DailyCount(
            day=day,
            item_kind=kind,
            case_id=row.get("measure__finding__case_id") or row.get("pair__case_id"),
            company_id=row.get("company_id"),
            safeguard_type_id=row.get("measure__safeguard_type_id"),
            status=row["status"],
            count=row["count"],
            overdue=row["overdue"],
            overdue_days=row["overdue_days"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class SweepResult:
    """What a sweep sent (or, dry, would send): the reminders, newest decisions first."""

    reminders: list[Reminder]
    dry_run: bool


def _open_items():
    """Every item that may be owed a reminder, with what the policies and recipients need, in two queries."""
    implementations = Implementation.objects.exclude(status=ItemStatus.DONE).select_related("measure", "company")
    incidents = (
        Incident.objects.exclude(status=ItemStatus.DONE)
        .filter(described_in_report=True)
        .prefetch_related("pair__companies")
    )
    return [*implementations, *incidents]


def reminder_sweep(
    *, today: datetime.date, dry_run: bool = False, digest_at: datetime.datetime | None = None
) -> SweepResult:
    """Record and address every reminder owed on `today` and never sent, then mail the digests whose time has come.

    The ledger's unique key (item, company, rule, period) decides; rows are claimed with
    `select_for_update(skip_locked=True)` and addressed in the same transaction, so a second sweep
    sends nothing twice. Each person's digest goes out at their time as of `digest_at` (by default
    now, or the day's end for a day run by hand); the rest go with a later `digest_dispatch`.
    """
    owed = _owed_reminders(today)
    if dry_run:
        return SweepResult(reminders=_not_yet_recorded(owed), dry_run=True)
    with transaction.atomic():
        Reminder.objects.bulk_create(owed, ignore_conflicts=True)
        claimed = list(
            Reminder.objects.filter(sent_at__isnull=True, planned_for__lte=today)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("company", "implementation__measure", "incident__pair__group")
        )
        _address(claimed, today)
        _, first_today = RegulatorDigest.objects.get_or_create(day=today)
        if first_today:
            transaction.on_commit(lambda: queue_regulator_digest(today))
    digest_dispatch(now=digest_at or dispatch_moment(today))
    return SweepResult(reminders=claimed, dry_run=False)


def dispatch_moment(day: datetime.date) -> datetime.datetime:
    """The moment a sweep for `day` mails digests as of: now for today; for a day run by hand, its last moment."""
    if day == clock.today():
        return clock.now()
    return clock.end_of(day)


def digest_dispatch(*, now: datetime.datetime) -> dict[int, list[int]]:
    """Mail each person, in one digest, the reminders addressed to them and not yet mailed, once their time has come.

    A person's time is their own choice within the regulator's limits (`DigestSchedule`); reminders
    addressed on an earlier day are overdue and go at once. Rows are claimed with `skip_locked` and
    marked mailed in the same transaction; the mail is queued after commit. Returns {person: reminders}.
    """
    schedule = DigestSchedule.current()
    local_now = now.astimezone(clock.TOKYO)
    due: dict[int, list[ReminderRecipient]] = {}
    with transaction.atomic():
        pending = (
            ReminderRecipient.objects.filter(mailed_at__isnull=True)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("user", "reminder")
            .only("reminder_id", "user__digest_time", "reminder__addressed_on")
        )
        for row in pending:
            if row.reminder.addressed_on < local_now.date() or local_now.time() >= schedule.time_for(row.user):
                due.setdefault(row.user_id, []).append(row)
        ReminderRecipient.objects.filter(pk__in=[row.pk for rows in due.values() for row in rows]).update(mailed_at=now)
        digests = {person: [row.reminder_id for row in rows] for person, rows in due.items()}
        for person_id, reminder_ids in digests.items():
            transaction.on_commit(lambda p=person_id, r=reminder_ids: queue_reminder_digest(p, r))
    return digests


def _owed_reminders(today: datetime.date) -> list[Reminder]:
    """Every reminder the open items owe on `today`, recorded or not: each item's policy, and its reporting duty."""
    policies = ReminderPolicy.all_by_kind()
    update_days = _update_days_under_duty()
    owed = []
    for item in _open_items():
        moment = owed_moment(item, policies, today)
        for company_id in companies_concerned(item):
            last_update_on = update_days.get((item.item_kind, item.pk, company_id))
            reporting = reporting_of(item, company_id, last_update_on, today)
            duty = owed_reporting_moment(reporting, policies[ReminderKind.REPORTING], today)
            owed += [
                Reminder(
                    company_id=company_id,
                    rule=m.rule,
                    period=m.period,
                    planned_for=m.day,
                    escalation=m.escalation,
                    **about(item),
                )
                for m in (moment, duty)
                if m is not None
            ]
    return owed


def _update_days_under_duty() -> dict:
    from remediation.selectors import latest_update_days

    under_duty = Q(implementation__reporting_every__gt="") | Q(incident__reporting_every__gt="")
    return latest_update_days(ProgressUpdate.objects.filter(under_duty))


def _ladder(reminder: Reminder, officers: dict, leads: dict, staff: list) -> list:
    """The escalation ladder: the company's officers, then its lead officer, then regulator staff.

    A company with no officer but a lead is reminded through the lead from the start.
    """
    own = officers.get(reminder.company_id, [])
    lead = leads.get(reminder.company_id, [])
    recipients = own if own else lead
    if reminder.escalation >= 1 and own:
        recipients = own + lead
    return recipients + (staff if reminder.escalation >= 2 else [])


def _not_yet_recorded(owed: list[Reminder]) -> list[Reminder]:
    recorded = set(
        Reminder.objects.filter(period__in={r.period for r in owed}).values_list(
            "implementation_id", "incident_id", "company_id", "rule", "period"
        )
    )
    return [r for r in owed if (r.implementation_id, r.incident_id, r.company_id, r.rule, r.period) not in recorded]


def _address(reminders: list[Reminder], today: datetime.date) -> None:
    """Mark the claimed reminders sent and record who each goes to; the digests mail them."""
    if not reminders:
        return
    people = get_user_model().objects.filter(is_active=True)
    officers: dict[int, list] = {}
    leads: dict[int, list] = {}
    for officer in people.filter(role=Role.COMPANY_OFFICER):
        (leads if officer.is_lead_officer else officers).setdefault(officer.company_id, []).append(officer)
    staff = list(people.filter(role__in=REGULATOR_ROLES))
    now = clock.now()
    links = []
    for reminder in reminders:
        reminder.sent_at, reminder.addressed_on, reminder.late = now, today, reminder.planned_for < today
        recipients = _ladder(reminder, officers, leads, staff)
        links += [ReminderRecipient(reminder_id=reminder.pk, user_id=person.pk) for person in recipients]
    # One statement, whatever the number of rows (bulk_update's CASE grows with them).
    late = ExpressionWrapper(Q(planned_for__lt=today), output_field=BooleanField())
    Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(sent_at=now, addressed_on=today, late=late)
    ReminderRecipient.objects.bulk_create(links, ignore_conflicts=True)
