"""The tests' clock: every test runs at a moment it sets, never at the real date.

- Each test starts at `DEFAULT_MOMENT`, or at `$TEST_CLOCK` (an ISO moment) when that is set: `.ci/run` runs the
  tests marked `dates` again at hard moments that way. A test that needs a particular day travels there itself
  (`time_machine.travel`), inside that clock.
- `dates` marks a test whose outcome depends on the day. A test that reads today (`compliance.clock.today`) without
  the mark fails, so that the hard-day runs cover every test that does.
- `real_clock` marks a test that shares the product with processes of its own (a browser, a Celery worker,
  gunicorn), which keep real time: it stays on the real clock, gives every day it needs explicitly and asserts
  nothing that depends on today.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import time_machine

from compliance import clock

# Mid-way through the case: some items done, some overdue, the physical split still years away.
DEFAULT_MOMENT = "2026-11-25T10:00:00+09:00"
CLOCK_VARIABLE = "TEST_CLOCK"


def moment_of_tests() -> datetime.datetime:
    """The moment the tests start at: `$TEST_CLOCK`, or the default."""
    text = os.environ.get(CLOCK_VARIABLE) or DEFAULT_MOMENT
    moment = datetime.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise pytest.UsageError(f"{CLOCK_VARIABLE}={text}: give the time zone too, e.g. 2027-03-31T23:59:00+09:00")
    return moment


@contextmanager
def at_test_moment() -> Iterator[None]:
    """Run the block with the process clock at the tests' moment, ticking from there."""
    with time_machine.travel(moment_of_tests(), tick=True):
        yield


def on_day(day: datetime.date, at: datetime.time = datetime.time(10)) -> time_machine.travel:
    """Travel to `at` o'clock (Tokyo) on `day`, ticking from there, in a `with` block.

    Not as a decorator on a test with fixtures: they would be made before the travel (a session begun years later
    has expired by then). Ask for a fixture that travels first instead (`on_follow_up_day`).
    """
    return time_machine.travel(datetime.datetime.combine(day, at, tzinfo=clock.TOKYO), tick=True)


def held_clock(later: datetime.timedelta = datetime.timedelta(0)) -> time_machine.travel:
    """Stop the clock (`later` from now), to move it by hand with `.shift()`; in Tokyo time, as the process keeps.

    time-machine takes the local time zone from an aware destination: a UTC one would move naive local times.
    """
    return time_machine.travel((clock.now() + later).astimezone(clock.TOKYO), tick=False)


FOLLOW_UP_DAY = datetime.date(2026, 11, 25)


@pytest.fixture
def on_follow_up_day() -> Iterator[None]:
    """The test, and the fixtures it asks for after this one, on 2026-11-25: items open, due and overdue."""
    with on_day(FOLLOW_UP_DAY):
        yield


@contextmanager
def reads_of_today(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[datetime.date]]:
    """Count the block's calls of `compliance.clock.today`."""
    reads: list[datetime.date] = []
    original = clock.today

    def watched() -> datetime.date:
        day = original()
        reads.append(day)
        return day

    monkeypatch.setattr(clock, "today", watched)
    yield reads


@pytest.fixture(autouse=True)
def _test_clock(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test at the tests' moment; one that reads today must say so (`dates`)."""
    if request.node.get_closest_marker("real_clock"):
        yield
        return
    with at_test_moment(), reads_of_today(monkeypatch) as reads:
        yield
    if reads and not request.node.get_closest_marker("dates"):
        pytest.fail(
            f"{request.node.nodeid} read today's date ({reads[0]}): mark it @pytest.mark.dates, so that CI runs it "
            "on the hard days too",
            pytrace=False,
        )
