"""Random draws of one copy: its generator, weighted choices, moments and days."""

from __future__ import annotations

import datetime
import random

from config.scale.plan import DAY, HORIZON, UTC


def _rng(seed: int, number: int) -> random.Random:
    """The generator of one copy: its data depends on the seed and its number only."""
    return random.Random(f"{seed}:{number}")  # noqa: S311 (synthetic test data, not security)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    """One key of `weights`, drawn in proportion to its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _at(rng: random.Random, start: datetime.date, end: datetime.datetime = HORIZON) -> datetime.datetime:
    """A whole second of office hours in Tokyo (09:00-19:00) from `start` to `end`, in UTC as the log hashes it."""
    begin = _midnight(start)
    days = max((end - begin).days, 0)
    moment = begin + datetime.timedelta(days=rng.randint(0, days), seconds=rng.randrange(10 * 3600))
    return max(min(moment, end), begin)


def _midnight(day: datetime.date) -> datetime.datetime:
    """09:00 in Tokyo on `day`, in UTC."""
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=UTC)


def _date_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    """A day between `start` and `end`, both included."""
    return start + rng.randrange(max((end - start).days, 0) + 1) * DAY
