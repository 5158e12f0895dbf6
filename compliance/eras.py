"""Japanese era (和暦) dates: 2024-03-06 is 令和6年3月6日, 2019-05-01 is 令和元年5月1日."""

from __future__ import annotations

import datetime
import re
from typing import NamedTuple


class Era(NamedTuple):
    """One era of the modern calendar and the day it began."""

    name: str
    name_en: str
    first_day: datetime.date


# Newest first, so the first era that began on or before a date is its era.
ERAS: tuple[Era, ...] = (
    Era("令和", "Reiwa", datetime.date(2019, 5, 1)),
    Era("平成", "Heisei", datetime.date(1989, 1, 8)),
    Era("昭和", "Showa", datetime.date(1926, 12, 25)),
    Era("大正", "Taisho", datetime.date(1912, 7, 30)),
    Era("明治", "Meiji", datetime.date(1868, 10, 23)),
)
# Japan adopted the Gregorian calendar on 明治6年1月1日; earlier dates were lunisolar.
GREGORIAN_ADOPTION = datetime.date(1873, 1, 1)


def era_of(day: datetime.date) -> tuple[Era, int]:
    """Return the era a date falls in and its year within that era (1 for the first year)."""
    if day < GREGORIAN_ADOPTION:
        raise ValueError(f"{day.isoformat()} is before the Meiji era's Gregorian dates (1873-01-01)")
    era = next(era for era in ERAS if day >= era.first_day)
    return era, day.year - era.first_day.year + 1


def has_era(day: datetime.date) -> bool:
    """Whether a date has an era form: every Gregorian date of Japan's, from 1873-01-01."""
    return day >= GREGORIAN_ADOPTION


def era_year(day: datetime.date) -> str:
    """Format the era and year of a date: 令和元年, 令和6年; before 1873, the Gregorian year: 1800年."""
    if not has_era(day):
        return f"{day.year}年"
    era, year = era_of(day)
    return f"{era.name}{'元' if year == 1 else year}年"


def format_era_date(day: datetime.date) -> str:
    """Format a date in era form: 令和6年3月6日 (a date stored from before 1873 as it is: 1800年1月1日)."""
    return f"{era_year(day)}{day.month}月{day.day}日"


def format_era_month(day: datetime.date) -> str:
    """Format a month in era form: 令和8年3月 (1800年1月 before 1873)."""
    return f"{era_year(day)}{day.month}月"


_ERA_DATE = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和)(?P<year>元|\d{1,2})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日$"
)


def parse_era_date(text: str) -> datetime.date | None:
    """Read 令和8年3月1日 or 令和元年5月1日 (already NFKC-normalised); None when it is not in era form."""
    match = _ERA_DATE.match(text.strip())
    if match is None:
        return None
    era = next(e for e in ERAS if e.name == match["era"])
    year = 1 if match["year"] == "元" else int(match["year"])
    day = datetime.date(era.first_day.year + year - 1, int(match["month"]), int(match["day"]))
    next_era = next((e for e in reversed(ERAS) if e.first_day > era.first_day), None)
    if day < era.first_day or (next_era is not None and day >= next_era.first_day):
        raise ValueError(f"{text} is not a date of the {era.name_en} era")
    return day
