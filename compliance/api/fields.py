"""API fields shared by every app: dates as Japanese users type them."""

from __future__ import annotations

import datetime

from rest_framework import serializers

from compliance.eras import parse_era_date
from compliance.forms import normalise


class JapaneseDateField(serializers.DateField):
    """An ISO date, or 2026/03/01, 2026年3月1日, 令和8年3月1日, full-width digits included."""

    def to_internal_value(self, value: object) -> datetime.date:
        if isinstance(value, str):
            value = normalise(value)
            try:
                era_date = parse_era_date(value)
            except ValueError:
                self.fail("invalid", format="YYYY-MM-DD")
            if era_date is not None:
                return era_date
            for pattern in ("%Y/%m/%d", "%Y年%m月%d日"):
                try:
                    return datetime.datetime.strptime(value, pattern).date()  # noqa: DTZ007 (a date, no time)
                except ValueError:
                    continue
        return super().to_internal_value(value)
