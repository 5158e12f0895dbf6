"""Writes of the dashboard's daily counts: the snapshot its trends are drawn from."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count, F, Func, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce

from cases.models import Incident
from compliance.choices import ItemStatus
from remediation.models import DailyCount, Implementation


def daily_counts_take(*, day: datetime.date) -> int:
    """Record the day's counts by case, status, company and safeguard type; taken again, it replaces that day's.

    Overdue means open with its due date or window end before `day`; `overdue_days` sums how long.
    """
    by_implementation = ["measure__finding__case_id", "company_id", "measure__safeguard_type_id"]
    rows = [
        *_counts(Implementation.objects.all(), "implementation", day, by_implementation),
        *_counts(Incident.objects.all(), "incident", day, ["pair__case_id"]),
    ]
    with transaction.atomic():
        DailyCount.objects.filter(day=day).delete()
        DailyCount.objects.bulk_create(rows)
    return len(rows)


def _days_between(later, earlier) -> Func:
    """Whole days from `earlier` to `later` (PostgreSQL's date minus date)."""
    return Func(later, earlier, template="(%(expressions)s)", arg_joiner=" - ", output_field=IntegerField())


def _counts(items, kind: str, day: datetime.date, groups: list[str]) -> list[DailyCount]:
    ends = Coalesce("window_end", "due_on")
    overdue = ~Q(status=ItemStatus.DONE) & Q(end__lt=day)
    rows = (
        items.annotate(end=ends)
        .values(*groups, "status")
        .annotate(
            count=Count("pk"),
            overdue=Count("pk", filter=overdue),
            overdue_days=Coalesce(Sum(_days_between(Value(day), F("end")), filter=overdue), 0),
        )
        .order_by()
    )
    return [
        DailyCount(
            day=day,
            item_kind=kind,
            case_id=row.get("measure__finding__case_id") or row.get("pair__case_id"),
            company_id=row.get("company_id"),
            safeguard_type_id=row.get("measure__safeguard_type_id"),
            status=row["status"],
            count=row["count"],
            overdue=row["overdue"],
            overdue_days=row["overdue_days"],
        )
        for row in rows
    ]
