"""The regulator's dashboard and the officer's home: the case at a glance."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.access import is_regulator
from compliance.choices import ItemStatus, ReportingState
from compliance.guards import log_reads, regulator_only
from remediation import dashboard, selectors
from remediation.models import ReminderRecipient

RECENT_REMINDERS = 20


def home(request: HttpRequest) -> HttpResponse:
    """Where a person lands after signing in: the dashboard, their company's items, or the cases."""
    if is_regulator(request.user):
        return redirect("remediation:dashboard")
    if getattr(request.user, "company_id", None):
        return redirect("remediation:my_items")
    return redirect("cases:case_list")


@regulator_only
def regulator_dashboard(request: HttpRequest) -> HttpResponse:
    """Where each company stands, what is overdue, what waits for review, how far the physical split has come."""
    user, today = request.user, timezone.localdate()
    deadlines = dashboard.deadlines(user=user, today=today)
    shown = [*deadlines["overdue"], *deadlines["due_soon"]]
    log_reads(request, [item for item in shown if item.item_kind == "incident"])
    queue = dashboard.review_queue_head(user=user)
    log_reads(request, queue["oldest"])
    trends = dashboard.monthly_trends(user=user)
    context = {
        "today": today,
        "status_counts": dashboard.status_counts(user=user),
        "heat_map": dashboard.heat_map(user=user),
        "timeline": dashboard.timeline(user=user, today=today),
        "deadlines": deadlines,
        "overdue_ages": dashboard.overdue_ages(user=user, today=today),
        "queue": queue,
        "pairs": dashboard.incident_pairs(user=user),
        "trends": trends,
        "trend_chart": _trend_chart(trends),
        "time_to_close": dashboard.time_to_close(user=user),
    }
    return render(request, "remediation/dashboard.html", context)


def _trend_chart(trends: dict) -> dict:
    """The series of the trend chart, with translated names, for the chart script."""
    series = [
        {"name": str(ItemStatus(status).label), "values": values} for status, values in trends["by_status"].items()
    ]
    series.append({"name": _("Overdue"), "values": trends["overdue"]})
    return {"labels": trends["months"], "series": series}


def _next_date(item, today: datetime.date) -> datetime.date | None:
    """The item's next date: its due date or window end, or the end of a reporting period it owes."""
    dates = [d for d in (item.due_on, item.window_end) if d is not None]
    dates += [r.current.end for r in item.reporting if r.state in (ReportingState.DUE, ReportingState.NO_SUBMISSION)]
    return min(dates) if dates else None


def officer_home(request: HttpRequest) -> HttpResponse:
    """An officer's company's open items with their next date, what the regulator asked, the reminders received."""
    today = timezone.localdate()
    own_implementations, own_incidents = selectors.own_open_items(user=request.user)
    items = [*own_implementations, *log_reads(request, own_incidents)]
    selectors.attach_reporting(user=request.user, items=items, today=today)
    for item in items:
        item.next_date = _next_date(item, today)
        item.is_overdue = item.next_date is not None and item.next_date < today
    items.sort(key=lambda item: (item.next_date is None, item.next_date or today))
    requests = log_reads(request, selectors.open_requests_for_information(user=request.user))
    received = list(
        ReminderRecipient.objects.filter(user=request.user, reminder__in=selectors.reminders(user=request.user))
        .select_related("reminder__company", "reminder__implementation__measure", "reminder__incident__pair__group")
        .order_by("-reminder__sent_at", "-pk")[:RECENT_REMINDERS]
    )
    log_reads(request, [row.reminder for row in received])
    context = {"items": items, "requests": requests, "received": received, "today": today}
    return render(request, "remediation/my_items.html", context)
