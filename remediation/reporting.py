"""Reporting duties: an open item that owes the regulator a progress update every month or quarter.

Periods are calendar months or quarters. The duty counts from the first whole period that starts on
or after the day it was set, so that nobody owes an update for a period already half gone. A period
with no update from the company, and none since, is a "no submission", chased like an overdue item;
an update sent late makes the missed periods good, because it reports where the item stands now.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from compliance.choices import ReportingEvery, ReportingState

DAY = datetime.timedelta(days=1)
MONTHS_IN = {ReportingEvery.MONTHLY: 1, ReportingEvery.QUARTERLY: 3}


@dataclass(frozen=True)
class Period:
    """One reporting period: its first and last day, and a label such as `2026-11` or `2026-Q4`."""

    start: datetime.date
    end: datetime.date
    label: str


def period_of(every: str, day: datetime.date) -> Period:
    """The month or quarter that contains `day`."""
    months = MONTHS_IN[every]
    first_month = (day.month - 1) // months * months + 1
    last_month = first_month + months - 1
    start = day.replace(month=first_month, day=1)
    # The period's own last day, not the day before the next period: December 9999 has no next one.
    end = day.replace(month=last_month, day=calendar.monthrange(day.year, last_month)[1])
    label = f"{day.year}-{day.month:02d}" if months == 1 else f"{day.year}-Q{(first_month + 2) // 3}"
    return Period(start, end, label)


def first_period(every: str, since: datetime.date) -> Period:
    """The first whole period starting on or after `since` (the last period there is, from within it)."""
    period = period_of(every, since)
    if period.start == since or period.end == datetime.date.max:
        return period
    return period_of(every, period.end + DAY)


@dataclass(frozen=True)
class Reporting:
    """Where one company stands with an item's reporting duty on a given day."""

    company_id: int
    every: str
    today: datetime.date
    current: Period
    submitted: bool
    missed_since: Period | None
    # The company itself, for display; set by whoever has it at hand.
    company: object = None

    @property
    def state(self) -> str:
        if self.missed_since is not None:
            return ReportingState.NO_SUBMISSION
        if self.submitted:
            return ReportingState.SUBMITTED
        return ReportingState.DUE if self.current.start <= self.today else ReportingState.UPCOMING

    @property
    def state_label(self) -> str:
        return ReportingState(self.state).label


def reporting_of(item, company_id: int, last_update_on: datetime.date | None, today: datetime.date) -> Reporting | None:
    """The company's standing with the item's duty on `today`, given the day of its latest update; None when no duty."""
    if not item.reporting_every or not item.is_open:
        return None
    every = item.reporting_every
    first = first_period(every, item.reporting_since)
    current = max(first, period_of(every, today), key=lambda period: period.start)
    submitted = last_update_on is not None and last_update_on >= current.start
    missed_since = None
    if not submitted:
        after_last = period_of(every, period_of(every, last_update_on).end + DAY) if last_update_on else first
        gap_start = max(first, after_last, key=lambda period: period.start)
        if gap_start.end < current.start:
            missed_since = gap_start
    return Reporting(company_id, every, today, current, submitted, missed_since)
