"""Writes about reminders: the daily sweep that records and addresses them, and the dispatch of the digests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q

from cases.models import Incident
from compliance import clock
from compliance.access import REGULATOR_ROLES
from compliance.choices import ItemStatus, Role
from compliance.webhooks import Event, publish_events, reference
from remediation.choices import ReminderKind, ReminderRule
from remediation.models import (
    DigestSchedule,
    Implementation,
    ProgressUpdate,
    RegulatorDigest,
    Reminder,
    ReminderPolicy,
    ReminderRecipient,
    about,
)
from remediation.notifications import queue_regulator_digest, queue_reminder_digest
from remediation.reminders import companies_concerned, owed_moment, owed_reporting_moment
from remediation.reporting import reporting_of


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
    publish_events(_events(reminders))


def _events(reminders: list[Reminder]) -> list[Event]:
    """The webhooks' events of the reminders addressed: each one sent, and the items they find overdue."""
    events = []
    for reminder in reminders:
        item = reference(reminder.subject)
        events.append(Event("reminder.sent", reminder, data={"rule": reminder.rule, "item": item}))
        if reminder.rule == ReminderRule.OVERDUE:
            # Told to those who see the company's reminder: the item itself is seen by other companies too.
            events.append(
                Event("item.overdue", reminder.subject, scope=reminder, data={"reminder": reference(reminder)})
            )
    return events
