"""Reads of the remediation app: each starts from what the person may see."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from compliance import clock
from compliance.access import as_seen_by, is_regulator, where_visible
from compliance.choices import ItemStatus
from remediation.choices import ReviewState
from remediation.models import DeadlineChange, Implementation, Measure, ProgressUpdate, Reminder, about
from remediation.reporting import reporting_of

if TYPE_CHECKING:
    from cases.models import Case, Finding
    from compliance.models import Company, User


def implementations(*, user: User) -> QuerySet[Implementation]:
    """Implementations the person may see, with their company and measure."""
    return Implementation.objects.visible_to(user).select_related(
        "company", "measure__finding__case", "measure__safeguard_type"
    )


def implementations_prefetch(*, user: User) -> Prefetch:
    """Prefetch of a measure's implementations with their companies, in report order."""
    return Prefetch("implementations", queryset=Implementation.objects.visible_to(user).select_related("company"))


def measures_prefetch(*, user: User) -> Prefetch:
    """Prefetch of a finding's measures with their safeguard types and implementations."""
    return Prefetch(
        "measures",
        queryset=Measure.objects.visible_to(user)
        .select_related("safeguard_type", "finding__case")
        .prefetch_related(implementations_prefetch(user=user)),
    )


def measures(*, user: User, finding: Finding) -> QuerySet[Measure]:
    """The finding's measures, with implementations, for lookups by code."""
    return (
        Measure.objects.visible_to(user)
        .filter(finding=finding)
        .select_related("safeguard_type", "finding__case")
        .prefetch_related(implementations_prefetch(user=user))
    )


def implementation_status_counts(*, user: User, case: Case) -> list[dict]:
    """How many implementations of the case's measures stand at each status, in workflow order.

    Implementations whose status the person does not see (other companies', unpublished) are counted apart.
    """
    rows = (
        Implementation.objects.visible_to(user)
        .filter(measure__finding__case=case)
        .values(shown_status=as_seen_by(user, Implementation, "status"))
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = Counter({row["shown_status"]: row["count"] for row in rows})
    shown = [{"status": value, "label": label, "count": counts[value]} for value, label in ItemStatus.choices]
    if counts[None]:
        shown.append({"status": "hidden", "label": _("Not shown (other companies)"), "count": counts[None]})
    return shown


def open_implementation_list(*, user: User, case: Case) -> QuerySet[Implementation]:
    """Implementations of the case's measures that are not reported done, among those whose status the person sees."""
    return (
        implementations(user=user)
        .filter(measure__finding__case=case)
        .filter(where_visible(user, Implementation, "status"))
        .exclude(status=ItemStatus.DONE)
        .order_by("window_end", "due_on", "measure__finding__position", "measure__position", "position")
    )


def company_implementations(*, user: User, company: Company) -> QuerySet[Implementation]:
    """The company's implementations of measures, in report order."""
    return (
        implementations(user=user)
        .filter(company=company)
        .order_by("measure__finding__case", "measure__finding__position", "measure__position")
    )


def open_windows(*, user: User, case: Case) -> list[dict]:
    """Each window of the case's open implementations, with the companies that must meet it.

    Of an implementation whose status and dates the person does not see, the window the report published stands,
    whatever its status: that it is open or done, or that its window moved, is its company's own.
    """
    rows = (
        implementations(user=user)
        .filter(measure__finding__case=case)
        .filter(Q(window_end__isnull=False) | Q(baseline_window_end__isnull=False))
        .exclude(Q(status=ItemStatus.DONE) & where_visible(user, Implementation, "status"))
        .order_by("measure__position", "position")
    )
    windows: dict[tuple, dict] = {}
    for row in rows:
        start, end = (
            (row.baseline_window_start, row.baseline_window_end)
            if row.dates_hidden
            else (row.window_start, row.window_end)
        )
        if end is None:
            continue
        window = windows.setdefault(
            (row.measure_id, start, end), {"measure": row.measure, "start": start, "end": end, "companies": []}
        )
        window["companies"].append(row.company)
    return sorted(windows.values(), key=lambda w: (w["start"] or w["end"], w["end"], w["measure"].position))


def progress_updates(*, user: User) -> QuerySet[ProgressUpdate]:
    """Progress updates the person may see: their own company's, or every company's for the regulator."""
    return ProgressUpdate.objects.visible_to(user).select_related(
        "company",
        "author",
        "implementation__measure__finding__case",
        "implementation__company",
        "incident__pair__case",
        "incident__pair__group",
    )


ITEM_KINDS = ("implementation", "incident")


def items(*, user: User, kind: str) -> QuerySet:
    """Tracked items of one kind the person may see: implementations or incidents."""
    from cases.selectors import incidents

    if kind == "implementation":
        return implementations(user=user)
    return incidents(user=user)


def thread(*, user: User, item) -> QuerySet[ProgressUpdate]:
    """The updates on an item the person may see, oldest first, with reviews, evidence and replies."""
    return (
        progress_updates(user=user)
        .filter(**about(item))
        .select_related("review__reviewer", "in_reply_to")
        .prefetch_related("evidence")
        .order_by("submitted_at", "pk")
    )


def deadline_changes(*, user: User) -> QuerySet[DeadlineChange]:
    """Deadline change requests the person may see."""
    return DeadlineChange.objects.visible_to(user).select_related(
        "company",
        "requested_by",
        "decided_by",
        "implementation__measure__finding__case",
        "implementation__company",
        "incident__pair__case",
        "incident__pair__group",
    )


def review_queue(*, user: User) -> QuerySet[ProgressUpdate]:
    """Updates waiting for the regulator's review, oldest first."""
    return (
        progress_updates(user=user)
        .filter(review_state=ReviewState.SUBMITTED)
        .select_related("implementation__measure__safeguard_type")
        .order_by("submitted_at", "pk")
    )


def open_requests_for_information(*, user: User) -> QuerySet[ProgressUpdate]:
    """Updates the regulator asked more about and that have no answer yet."""
    return (
        progress_updates(user=user)
        .filter(review_state=ReviewState.INFO_REQUESTED, reply__isnull=True)
        .select_related("review")
        .order_by("review__reviewed_at")
    )


def own_open_items(*, user: User) -> tuple[list[Implementation], list]:
    """The officer's company's items not yet done: its implementations, and the incidents of its pair."""
    from cases.selectors import incidents

    company_id = getattr(user, "company_id", None)
    own_implementations = (
        implementations(user=user)
        .filter(company_id=company_id)
        .exclude(status=ItemStatus.DONE)
        .order_by("window_end", "due_on", "measure__finding__position", "measure__position")
    )
    own_incidents = incidents(user=user).filter(pair__companies=company_id).exclude(status=ItemStatus.DONE)
    return list(own_implementations), list(own_incidents)


def reminders(*, user: User) -> QuerySet[Reminder]:
    """The reminder ledger the person may see: their company's, or all of it for the regulator."""
    return (
        Reminder.objects.visible_to(user)
        .select_related(
            "company",
            "implementation__measure__finding__case",
            "implementation__company",
            "incident__pair__group",
            "incident__pair__case",
        )
        .order_by("-planned_for", "-pk")
    )


UNANSWERED_AFTER_DAYS = 7


def regulator_digest_content(*, day: datetime.date) -> dict:
    """What regulator staff read each morning: what was sent, what is overdue, what has had no answer."""
    from cases.models import Incident

    overdue = [
        *Implementation.objects.exclude(status=ItemStatus.DONE)
        .filter(Q(due_on__lt=day) | Q(window_end__lt=day))
        .select_related("company", "measure__finding__case"),
        *Incident.objects.exclude(status=ItemStatus.DONE)
        .filter(Q(due_on__lt=day) | Q(window_end__lt=day))
        .select_related("pair__group", "pair__case"),
    ]
    unanswered = (
        Reminder.objects.filter(
            acted_on_at__isnull=True, addressed_on__lte=day - datetime.timedelta(days=UNANSWERED_AFTER_DAYS)
        )
        .select_related(
            "company",
            "implementation__company",
            "implementation__measure__finding__case",
            "incident__pair__group",
            "incident__pair__case",
        )
        .order_by("planned_for")
    )
    return {
        "day": day,
        "sent_count": Reminder.objects.filter(addressed_on=day).count(),
        "overdue": overdue,
        "unanswered": list(unanswered[:100]),
        "unanswered_count": unanswered.count(),
    }


UpdateDays = dict[tuple[str, int, int], datetime.date]


def latest_update_days(updates: QuerySet[ProgressUpdate]) -> UpdateDays:
    """The day of the latest of `updates` per (item kind, item id, company), in one query."""
    rows = (
        updates.values("implementation_id", "incident_id", "company_id").annotate(last=Max("submitted_at")).order_by()
    )
    return {
        (
            "implementation" if row["implementation_id"] else "incident",
            row["implementation_id"] or row["incident_id"],
            row["company_id"],
        ): clock.day_of(row["last"])
        for row in rows
    }


def attach_reporting(*, user: User, items: list, today: datetime.date | None = None) -> list:
    """Set `item.reporting` on each item: its reporting duty as each company the person may see stands with it.

    An officer sees their own company's standing only, the regulator every company's, anyone else none;
    at most three queries, whatever the number of items.
    """
    from remediation.reminders import companies_concerned

    today = today or clock.today()
    with_duty = [item for item in items if item.reporting_every]
    for item in items:
        item.reporting = []
    if not with_duty or not (is_regulator(user) or getattr(user, "company_id", None)):
        return items
    prefetch_related_objects([i for i in with_duty if i.item_kind == "incident"], "pair__companies")
    ids = {kind: [i.pk for i in with_duty if i.item_kind == kind] for kind in ITEM_KINDS}
    days = latest_update_days(
        ProgressUpdate.objects.visible_to(user).filter(
            Q(implementation_id__in=ids["implementation"]) | Q(incident_id__in=ids["incident"])
        )
    )
    for item in with_duty:
        companies = [c for c in companies_concerned(item) if is_regulator(user) or c == user.company_id]
        standings = [reporting_of(item, c, days.get((item.item_kind, item.pk, c)), today) for c in companies]
        item.reporting = [replace(r, company=_company(item, r.company_id)) for r in standings if r is not None]
    return items


def _company(item, company_id: int):
    if isinstance(item, Implementation):
        return item.company
    return next(c for c in item.pair.companies.all() if c.pk == company_id)
