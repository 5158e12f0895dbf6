"""Era dates: the first year is 元年, eras change on their first day, each date maps back; older dates as they are."""

import datetime

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from compliance.eras import ERAS, era_of, format_era_date, format_era_month, has_era
from compliance.templatetags.display import showdate, showmonth

pytestmark = pytest.mark.dates


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2024, 3, 6), "令和6年3月6日"),
        (datetime.date(2023, 6, 29), "令和5年6月29日"),
        (datetime.date(2031, 3, 31), "令和13年3月31日"),
        (datetime.date(2019, 5, 1), "令和元年5月1日"),
        (datetime.date(2019, 4, 30), "平成31年4月30日"),
        (datetime.date(1989, 1, 8), "平成元年1月8日"),
        (datetime.date(1989, 1, 7), "昭和64年1月7日"),
        (datetime.date(1926, 12, 25), "昭和元年12月25日"),
        (datetime.date(1912, 7, 30), "大正元年7月30日"),
        (datetime.date(1912, 7, 29), "明治45年7月29日"),
    ],
)
def test_known_dates(day, expected):
    assert format_era_date(day) == expected


def test_months():
    assert format_era_month(datetime.date(2026, 3, 1)) == "令和8年3月"


def test_dates_before_the_gregorian_calendar_are_refused():
    with pytest.raises(ValueError, match="before the Meiji era"):
        era_of(datetime.date(1872, 12, 31))


def test_a_date_stored_from_before_the_gregorian_calendar_is_written_as_it_is():
    assert has_era(datetime.date(1873, 1, 1)) and not has_era(datetime.date(1872, 12, 31))
    assert format_era_date(datetime.date(1873, 1, 1)) == "明治6年1月1日"
    assert format_era_date(datetime.date(1800, 1, 1)) == "1800年1月1日"
    assert format_era_month(datetime.date(1, 1, 1)) == "1年1月"
    with translation.override("ja"):
        assert showdate(datetime.date(1800, 1, 1)) == '<time datetime="1800-01-01">1800-01-01</time>'
        assert showmonth(datetime.date(1, 2, 3)) == '<time datetime="0001-02">0001-02</time>'
        assert showmonth(datetime.date(2026, 3, 1)) == '<time datetime="2026-03">2026-03（令和8年3月）</time>'


@given(st.dates(min_value=datetime.date(1873, 1, 1), max_value=datetime.date(2200, 12, 31)))
def test_every_date_maps_back_to_its_gregorian_year(day):
    era, year = era_of(day)
    assert era.first_day <= day
    assert era.first_day.year + year - 1 == day.year
    assert year >= 1
    newer = [e for e in ERAS if e.first_day > era.first_day]
    assert all(day < e.first_day for e in newer)
