"""Reads of the remediation app: measures, implementations and what is still open."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from compliance.choices import ItemStatus
from remediation.models import Implementation, Measure

if TYPE_CHECKING:
    from cases.models import Case, Finding
    from compliance.models import Company


def implementations_with_company() -> Prefetch:
    """Prefetch of a measure's implementations with their companies, in report order."""
    return Prefetch("implementations", queryset=Implementation.objects.select_related("company"))


def measures_prefetch() -> Prefetch:
    """Prefetch of a finding's measures with their safeguard types and implementations."""
    return Prefetch(
        "measures",
        queryset=Measure.objects.select_related("safeguard_type", "finding__case").prefetch_related(
            implementations_with_company()
        ),
    )


def implementation_status_counts(*, case: Case) -> list[dict]:
    """How many implementations of the case's measures stand at each status, in workflow order."""
    rows = Implementation.objects.filter(measure__finding__case=case).values("status").annotate(count=Count("pk"))
    counts = Counter({row["status"]: row["count"] for row in rows})
    return [{"status": value, "label": label, "count": counts[value]} for value, label in ItemStatus.choices]


def measure_get(*, finding: Finding, code: str) -> Measure:
    """One measure of a finding with its implementations, or 404."""
    queryset = Measure.objects.select_related("safeguard_type", "finding__article", "finding__case").prefetch_related(
        implementations_with_company()
    )
    return get_object_or_404(queryset, finding=finding, code=code)


def open_implementation_list(*, case: Case) -> QuerySet[Implementation]:
    """Implementations of the case's measures that are not reported done."""
    return (
        Implementation.objects.filter(measure__finding__case=case)
        .exclude(status=ItemStatus.DONE)
        .select_related("company", "measure__finding__case", "measure__safeguard_type")
        .order_by("window_end", "due_on", "measure__finding__position", "measure__position", "position")
    )


def company_implementations(*, company: Company) -> QuerySet[Implementation]:
    """The company's implementations of measures, in report order."""
    return company.implementations.select_related("measure__finding__case", "measure__safeguard_type").order_by(
        "measure__finding__case", "measure__finding__position", "measure__position"
    )


def open_windows(*, case: Case) -> list[dict]:
    """Each window of the case's open implementations, with the companies that must meet it."""
    rows = (
        Implementation.objects.filter(measure__finding__case=case, window_end__isnull=False)
        .exclude(status=ItemStatus.DONE)
        .select_related("company", "measure__finding__case")
        .order_by("window_start", "window_end", "measure__position", "position")
    )
    windows: dict[tuple, dict] = {}
    for row in rows:
        key = (row.measure_id, row.window_start, row.window_end)
        window = windows.setdefault(
            key, {"measure": row.measure, "start": row.window_start, "end": row.window_end, "companies": []}
        )
        window["companies"].append(row.company)
    return list(windows.values())
