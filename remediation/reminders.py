"""When an open item is owed a reminder: the moments its policy sets, and the latest one that has passed.

Catch-up, not exact matching: whatever moment has passed and was never sent is owed, so a day the
worker was down loses nothing; several missed moments of one item collapse into the latest one.
Each moment is named by a period key that includes the item's current date, so that an approved
deadline change starts a new series.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from compliance.choices import CompanyKind, ItemStatus, ReportingState
from remediation.choices import MeasureKind, ReminderKind, ReminderRule
from remediation.models import Implementation, ReminderPolicy
from remediation.reporting import Reporting

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Moment:
    """One moment a reminder is owed: its rule, the period that names it, the day, and whether to escalate."""

    rule: str
    period: str
    day: datetime.date
    escalation: int = 0


def reminder_kind(item) -> str | None:
    """The policy an item follows, or None when nothing is chased (done, or nothing to chase)."""
    if item.status == ItemStatus.DONE:
        return None
    if item.window_end is not None:
        return ReminderKind.WINDOW
    if item.due_on is not None:
        return ReminderKind.DUE_DATE
    if isinstance(item, Implementation):
        return ReminderKind.PERIODIC if item.measure.kind == MeasureKind.PERIODIC else None
    # An incident: chased while its fix is reported as open; one the report does not describe has no company.
    return ReminderKind.UNDATED if item.described_in_report and item.status else None


def companies_concerned(item) -> list[int]:
    """The companies that answer for an item: an implementation's company, an incident's pair (no contractor)."""
    if isinstance(item, Implementation):
        return [item.company_id]
    return [company.pk for company in item.pair.companies.all() if company.kind != CompanyKind.CONTRACTOR]


def owed_moment(item, policies: dict[str, ReminderPolicy], today: datetime.date) -> Moment | None:
    """The latest moment of the item's policy on or before `today`, or None."""
    kind = reminder_kind(item)
    if kind is None:
        return None
    return _latest(_moments(kind, item, policies[kind], today), today)


def owed_reporting_moment(reporting: Reporting | None, policy: ReminderPolicy, today: datetime.date) -> Moment | None:
    """The latest moment a company is owed a reminder of a required progress update, or None.

    Before the period ends: the policy's days before its end. Once a period has passed with no update:
    chased like an overdue item, from the end of the first period missed, until an update arrives.
    """
    if reporting is None or reporting.state in (ReportingState.SUBMITTED, ReportingState.UPCOMING):
        return None
    if reporting.missed_since is not None:
        moments = _overdue(reporting.missed_since.end, policy, today, rule=ReminderRule.NO_SUBMISSION)
    else:
        moments = _before(reporting.current.end, policy, rule=ReminderRule.REPORTING_DUE)
    return _latest(moments, today)


def _latest(moments: Iterator[Moment], today: datetime.date) -> Moment | None:
    latest = None
    for moment in moments:
        if moment.day > today:
            break
        latest = moment
    return latest


def _moments(kind: str, item, policy: ReminderPolicy, today: datetime.date) -> Iterator[Moment]:
    if kind == ReminderKind.DUE_DATE:
        yield from _before(item.due_on, policy)
        yield from _overdue(item.due_on, policy, today)
    elif kind == ReminderKind.WINDOW:
        yield from _inside_window(item.window_start, item.window_end, policy)
        yield from _overdue(item.window_end, policy, today)
    else:
        yield from _every(f"{kind}", item.tracked_since, policy.every_days, today)


def _before(due: datetime.date, policy: ReminderPolicy, rule: str = ReminderRule.APPROACHING) -> Iterator[Moment]:
    for days in sorted(set(policy.days_before), reverse=True):
        yield Moment(rule, f"{due.isoformat()}:-{days}", due - days * DAY)


def _inside_window(start: datetime.date, end: datetime.date, policy: ReminderPolicy) -> Iterator[Moment]:
    """A status request every `every_days` from the start, tightening to `final_every_days` near the end."""
    final_start = end - (policy.final_days or 0) * DAY
    day = start
    while day < min(final_start, end):
        yield Moment(ReminderRule.WINDOW, f"{end.isoformat()}:{day.isoformat()}", day)
        day += policy.every_days * DAY
    day = max(day, final_start) if policy.final_every_days else end
    while day < end:
        yield Moment(ReminderRule.WINDOW, f"{end.isoformat()}:{day.isoformat()}", day)
        day += policy.final_every_days * DAY
    yield Moment(ReminderRule.WINDOW, f"{end.isoformat()}:end", end)


def _overdue(
    due: datetime.date, policy: ReminderPolicy, today: datetime.date, rule: str = ReminderRule.OVERDUE
) -> Iterator[Moment]:
    """Weekly while overdue, then monthly; never stopping while the item is open."""
    offset = policy.overdue_every_days
    while due + offset * DAY <= today:
        escalation = (offset >= policy.escalate_after_days) + (offset >= policy.regulator_after_days)
        yield Moment(rule, f"{due.isoformat()}:+{offset}", due + offset * DAY, escalation)
        step = (
            policy.overdue_every_days
            if offset < policy.overdue_backoff_after_days
            else policy.overdue_backoff_every_days
        )
        offset += step


def _every(rule: str, since: datetime.date, every_days: int, today: datetime.date) -> Iterator[Moment]:
    day = since + every_days * DAY
    while day <= today:
        yield Moment(rule, day.isoformat(), day)
        day += every_days * DAY
