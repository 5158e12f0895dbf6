"""Reads of the dashboards: each figure from what the person may see, in a number of queries that does not grow."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth

from cases.models import Incident, IncidentPair, RegulatoryAction, SafeguardType
from compliance.choices import ItemStatus
from compliance.models import Company
from remediation.choices import ReviewState
from remediation.models import DailyCount, Implementation, ProgressUpdate

if TYPE_CHECKING:
    from cases.models import Case
    from compliance.models import User

DUE_SOON_DAYS = 90
# The most rows a dashboard table shows; the lists behind it have them all.
ROWS = 40
TIMELINE_YEARS = (2023, 2031)
# Share of implementations done, in buckets that the heat map shades (and also prints as a number).
SHARE_BUCKETS = (0, 25, 50, 75, 100)
OVERDUE_AGE_BUCKETS = ((0, 30), (30, 90), (90, 180), (180, 365), (365, None))

# How each source reaches its case: every figure is narrowed to one case through these, or covers them all.
CASE_PATHS = {
    Implementation: "measure__finding__case",
    Incident: "pair__case",
    IncidentPair: "case",
    RegulatoryAction: "case",
    DailyCount: "case",
}


def in_case(queryset: QuerySet, case: Case | None) -> QuerySet:
    """The rows of one case, or all of them when `case` is None."""
    if case is None:
        return queryset
    if queryset.model is ProgressUpdate:
        return queryset.filter(Q(implementation__measure__finding__case=case) | Q(incident__pair__case=case))
    return queryset.filter(**{CASE_PATHS[queryset.model]: case})


def _status_rows(queryset: QuerySet) -> list[dict]:
    counts = {row["status"]: row["count"] for row in queryset.values("status").annotate(count=Count("pk")).order_by()}
    rows = [{"status": value, "label": label, "count": counts.get(value, 0)} for value, label in ItemStatus.choices]
    if counts.get(""):
        rows.append({"status": "none", "label": None, "count": counts[""]})
    return rows


def status_counts(*, user: User, case: Case | None = None) -> dict[str, list[dict]]:
    """How many implementations and incidents stand at each status (two queries)."""
    return {
        "implementations": _status_rows(in_case(Implementation.objects.visible_to(user), case)),
        "incidents": _status_rows(in_case(Incident.objects.visible_to(user), case)),
    }


def _bucket(share: float) -> int:
    return max(i for i, floor in enumerate(SHARE_BUCKETS) if share >= floor)


def heat_map(*, user: User, case: Case | None = None, limit: int = ROWS) -> dict:
    """Companies against safeguard types: the share of each company's implementations of that type done.

    The companies with the most open implementations come first, at most `limit` of them.
    """
    types = list(SafeguardType.objects.visible_to(user).order_by("position", "pk"))
    visible = in_case(Implementation.objects.visible_to(user), case)
    busiest = (
        visible.values("company_id")
        .annotate(open=Count("pk", filter=~Q(status=ItemStatus.DONE)))
        .order_by("-open", "company_id")
    )
    company_count = busiest.count()
    company_ids = [row["company_id"] for row in busiest[:limit]]
    cells = {
        (row["company_id"], row["measure__safeguard_type_id"]): row
        for row in visible.filter(company_id__in=company_ids)
        .values("company_id", "measure__safeguard_type_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(status=ItemStatus.DONE)))
        .order_by()
    }
    companies = Company.objects.visible_to(user).in_bulk(company_ids)
    rows = []
    for company in sorted(companies.values(), key=lambda c: (c.position, c.pk)):
        row = []
        for kind in types:
            cell = cells.get((company.pk, kind.pk))
            share = round(100 * cell["done"] / cell["total"]) if cell else None
            row.append(
                {"type": kind, "cell": cell, "share": share, "bucket": None if share is None else _bucket(share)}
            )
        rows.append({"company": company, "cells": row})
    return {"types": types, "rows": rows, "company_count": company_count}


def _open_with_end(queryset: QuerySet) -> QuerySet:
    return (
        queryset.exclude(status=ItemStatus.DONE)
        .annotate(end=Coalesce("window_end", "due_on"))
        .filter(end__isnull=False)
    )


def deadlines(*, user: User, today: datetime.date, case: Case | None = None, limit: int = ROWS) -> dict:
    """The oldest overdue open items and the soonest due within 90 days: at most `limit` of each, and the totals."""
    from cases.selectors import incidents
    from remediation.selectors import implementations

    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    result: dict = {}
    for name, window in (("overdue", Q(end__lt=today)), ("due_soon", Q(end__gte=today, end__lte=soon))):
        kinds = [
            _open_with_end(in_case(implementations(user=user), case)).filter(window),
            _open_with_end(in_case(incidents(user=user), case)).filter(window),
        ]
        items = sorted([item for kind in kinds for item in kind.order_by("end", "pk")[:limit]], key=lambda i: i.end)
        for item in items[:limit]:
            item.days_overdue = (today - item.end).days
        result[name] = items[:limit]
        result[f"{name}_count"] = sum(kind.count() for kind in kinds)
    return result


def overdue_ages(*, user: User, today: datetime.date, case: Case | None = None) -> list[dict]:
    """How long the overdue items have been overdue, in buckets (two queries)."""
    ends = [
        end
        for model in (Implementation, Incident)
        for end in _open_with_end(in_case(model.objects.visible_to(user), case))
        .filter(end__lt=today)
        .values_list("end", flat=True)
    ]
    ages = [(today - end).days for end in ends]
    return [
        {"from": low, "to": high, "count": sum(1 for a in ages if a >= low and (high is None or a < high))}
        for low, high in OVERDUE_AGE_BUCKETS
    ]


def review_queue_head(*, user: User, case: Case | None = None, limit: int = 10) -> dict:
    """The oldest updates waiting for review, and how many wait in all."""
    from remediation.selectors import review_queue

    queue = in_case(review_queue(user=user), case)
    return {"count": queue.count(), "oldest": list(queue[:limit])}


def incident_pairs(*, user: User, case: Case | None = None) -> QuerySet[IncidentPair]:
    """Pairs' incidents counted (in all, described, data used, new entrants' data), most still open first."""
    visible = Incident.objects.visible_to(user).values("pk")
    in_scope = Q(incidents__in=visible)
    return (
        in_case(IncidentPair.objects.visible_to(user), case)
        .select_related("case", "group")
        .annotate(
            recorded=Count("incidents", filter=in_scope),
            described=Count("incidents", filter=in_scope & Q(incidents__described_in_report=True)),
            used=Count("incidents", filter=in_scope & Q(incidents__was_used=True)),
            new_entrant=Count("incidents", filter=in_scope & Q(incidents__involves_new_entrant_data=True)),
            still_open=Count("incidents", filter=in_scope & ~Q(incidents__status=ItemStatus.DONE)),
        )
        .order_by("-still_open", "case", "number")[:ROWS]
    )


TIMELINE_WIDTH = 1000
TIMELINE_FIRST_ROW = 120
TIMELINE_ROW = 26


def timeline(*, user: User, today: datetime.date, case: Case | None = None) -> dict:
    """2023 to 2031 as SVG coordinates: the latest regulatory actions, due dates, and open windows with their status."""
    from remediation.selectors import implementations

    first, last = datetime.date(TIMELINE_YEARS[0], 1, 1), datetime.date(TIMELINE_YEARS[1], 12, 31)
    span = (last - first).days

    def x(day: datetime.date) -> int:
        return round(TIMELINE_WIDTH * (min(max(day, first), last) - first).days / span)

    in_range = in_case(RegulatoryAction.objects.visible_to(user), case).filter(date__range=(first, last))
    latest = in_range.select_related("case", "instrument").order_by("-date", "-position", "-pk")[:ROWS]
    actions = sorted(latest, key=lambda action: action.date)
    in_scope = in_case(implementations(user=user), case)
    windows = list(
        in_scope.filter(window_end__isnull=False)
        .exclude(status=ItemStatus.DONE)
        .order_by("window_end", "window_start", "company__position")[:ROWS]
    )
    dated = list(
        in_scope.filter(due_on__range=(first, last)).exclude(status=ItemStatus.DONE).order_by("due_on")[: ROWS * 5]
    )
    for action in actions:
        action.x = x(action.date)
    for row, item in enumerate(windows):
        item.x, item.x_end = x(item.window_start), x(item.window_end)
        item.width, item.y = item.x_end - item.x, TIMELINE_FIRST_ROW + row * TIMELINE_ROW
    for item in dated:
        item.x = x(item.due_on)
    years = [
        {"year": year, "x": x(datetime.date(year, 1, 1))} for year in range(TIMELINE_YEARS[0], TIMELINE_YEARS[1] + 1)
    ]
    height = TIMELINE_FIRST_ROW + len(windows) * TIMELINE_ROW + 20
    return {
        "actions": actions,
        "actions_total": in_range.count(),
        "windows": windows,
        "dated": dated,
        "years": years,
        "today_x": x(today),
        "height": height,
    }


def monthly_trends(*, user: User, case: Case | None = None) -> dict:
    """The counts of the last snapshot of each month: by status, overdue, and the share done of the companies
    furthest behind; summed by the database, so the work does not grow with the number of companies."""
    snapshots = in_case(DailyCount.objects.visible_to(user), case)
    month_ends = list(
        snapshots.annotate(month=TruncMonth("day")).values("month").annotate(last=Max("day")).order_by("month")
    )
    days = [row["last"] for row in month_ends]
    index = {day: i for i, day in enumerate(days)}
    by_status: dict[str, list[int]] = {value: [0] * len(days) for value in ItemStatus.values}
    overdue, overdue_days = [0] * len(days), [0] * len(days)
    in_months = snapshots.filter(day__in=days)
    for row in (
        in_months.values("day", "status")
        .annotate(n=Sum("count"), late=Sum("overdue"), late_days=Sum("overdue_days"))
        .order_by()
    ):
        i = index[row["day"]]
        if row["status"] in by_status:
            by_status[row["status"]][i] += row["n"]
        overdue[i] += row["late"]
        overdue_days[i] += row["late_days"]
    mean_age = [round(d / n) if n else None for d, n in zip(overdue_days, overdue, strict=True)]
    return {
        "months": [f"{day:%Y-%m}" for day in days],
        "by_status": by_status,
        "overdue": overdue,
        "overdue_mean_age": mean_age,
        "shares": _shares_furthest_behind(in_months.filter(item_kind="implementation"), days, index),
    }


def _shares_furthest_behind(implementations: QuerySet, days: list, index: dict) -> list[dict]:
    """Each month's share done of the companies with the lowest share in the latest snapshot."""
    if not days:
        return []
    done = Sum("count", filter=Q(status=ItemStatus.DONE))
    latest = (
        implementations.filter(day=days[-1])
        .values("company_id")
        .annotate(share=Coalesce(done, 0) * 1.0 / Sum("count"))
        .order_by("share", "company_id")[:ROWS]
    )
    lowest = [row["company_id"] for row in latest]
    values: dict[int, list] = {company_id: [None] * len(days) for company_id in lowest}
    for row in (
        implementations.filter(company_id__in=lowest)
        .values("day", "company_id")
        .annotate(done=Coalesce(done, 0), total=Sum("count"))
        .order_by()
    ):
        values[row["company_id"]][index[row["day"]]] = round(100 * row["done"] / row["total"]) if row["total"] else None
    companies = Company.objects.in_bulk(lowest)
    ordered = sorted(lowest, key=lambda company_id: (companies[company_id].position, company_id))
    return [{"company": companies[company_id], "values": values[company_id]} for company_id in ordered]


def time_to_close(*, user: User, case: Case | None = None) -> list[dict]:
    """Per company, the days from being followed to the accepted update that closed each item: median, mean, count."""
    closings = (
        in_case(ProgressUpdate.objects.visible_to(user), case)
        .filter(review_state=ReviewState.ACCEPTED, status=ItemStatus.DONE, implementation__isnull=False)
        .values_list("company_id", "review__reviewed_at", "implementation__tracked_since")
    )
    days: dict[int, list[int]] = defaultdict(list)
    for company_id, closed_at, since in closings:
        days[company_id].append(max((closed_at.date() - since).days, 0))
    slowest = sorted(days, key=lambda company_id: (-statistics.median(days[company_id]), company_id))[:ROWS]
    companies = Company.objects.visible_to(user).in_bulk(slowest)
    return [
        {
            "company": companies[company_id],
            "median": statistics.median(values),
            "mean": round(statistics.fmean(values), 1),
            "count": len(values),
        }
        for company_id, values in sorted(
            ((c, days[c]) for c in slowest), key=lambda pair: (companies[pair[0]].position, pair[0])
        )
    ]
