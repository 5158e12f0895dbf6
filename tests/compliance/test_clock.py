"""The one clock: today is Tokyo's day, and a request or a task keeps the day it began on."""

import datetime

import pytest
import time_machine
from django.http import HttpResponse
from django.test import RequestFactory

from compliance import clock
from compliance.middleware import OneDayMiddleware
from config.celery import app
from tests.clock import on_day

pytestmark = pytest.mark.dates

EVE = datetime.date(2027, 3, 31)  # the last day of a fiscal year
NEXT_DAY = datetime.date(2027, 4, 1)


def test_today_is_the_day_in_tokyo_whatever_the_day_in_utc():
    with time_machine.travel(datetime.datetime(2019, 4, 30, 15, 0, 30, tzinfo=datetime.UTC), tick=False):
        assert clock.today() == datetime.date(2019, 5, 1)
    with time_machine.travel(datetime.datetime(2031, 3, 31, 14, 59, tzinfo=datetime.UTC), tick=False):
        assert clock.today() == datetime.date(2031, 3, 31)
    assert clock.end_of(EVE) == datetime.datetime(2027, 3, 31, 14, 59, 59, 999999, tzinfo=datetime.UTC)


def read_today_across_midnight() -> tuple[datetime.date, datetime.date]:
    """Today, read just before midnight and again just after."""
    before = clock.today()
    with on_day(NEXT_DAY, datetime.time(0, 0, 1)):
        after = clock.today()
    return before, after


def test_outside_a_request_the_day_follows_the_clock():
    with on_day(EVE, datetime.time(23, 59, 59)):
        assert read_today_across_midnight() == (EVE, NEXT_DAY)


def test_a_request_keeps_the_day_it_first_asked_for():
    days = []

    def view(request):
        days.extend(read_today_across_midnight())
        return HttpResponse()

    with on_day(EVE, datetime.time(23, 59, 59)):
        OneDayMiddleware(view)(RequestFactory().get("/"))
        assert days == [EVE, EVE]
        assert clock.today() == EVE  # the request's day ends with it


def test_a_task_keeps_the_day_it_first_asked_for():
    @app.task
    def across_midnight() -> list[str]:
        return [day.isoformat() for day in read_today_across_midnight()]

    with on_day(EVE, datetime.time(23, 59, 59)):
        assert across_midnight.apply().get() == [EVE.isoformat(), EVE.isoformat()]


def test_a_day_held_by_hand_holds_inside_nested_work():
    with clock.one_day(datetime.date(2026, 11, 25)), clock.one_day():
        assert clock.today() == datetime.date(2026, 11, 25)
