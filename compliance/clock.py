"""The one clock: the current moment, and the day in Tokyo that pages, the API, exports, mails and tasks share.

Nothing else reads the system clock (ruff's banned-api rule enforces it). A request or a task reads the day once
(`one_day`), so that a page or a mail begun before midnight does not end on the next day. Deadlines, reporting
periods and reminders are Japanese days, whatever the server's own time zone.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


class _DayOfWork:
    """The day a request or a task works on, read from the clock the first time it is asked for."""

    day: datetime.date | None = None

    def __init__(self, day: datetime.date | None) -> None:
        self.day = day


_day_of_work: ContextVar[_DayOfWork | None] = ContextVar("day_of_work", default=None)


def now() -> datetime.datetime:
    """The current moment, time-zone aware."""
    return timezone.now()


def day_of(moment: datetime.datetime) -> datetime.date:
    """The day in Tokyo on which `moment` falls."""
    return moment.astimezone(TOKYO).date()


def today() -> datetime.date:
    """Today in Tokyo: for the whole of a request or a task, the day it first asked for."""
    held = _day_of_work.get()
    if held is None:
        return day_of(now())
    if held.day is None:
        held.day = day_of(now())
    return held.day


def end_of(day: datetime.date) -> datetime.datetime:
    """The last moment of `day` in Tokyo."""
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=TOKYO)


@contextmanager
def one_day(day: datetime.date | None = None) -> Iterator[None]:
    """Hold `today()` for the work done inside: at `day`, or at the day the work first asks for."""
    outer = _day_of_work.get()
    token = _day_of_work.set(outer if outer is not None and day is None else _DayOfWork(day))
    try:
        yield
    finally:
        _day_of_work.reset(token)
