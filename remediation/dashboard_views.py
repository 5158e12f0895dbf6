"""The regulator's dashboard and the officer's home: the case at a glance."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from cases.models import Case
from compliance import clock
from compliance.access import is_regulator
from compliance.choices import ItemStatus, ReportingState
from compliance.guards import get_visible_or_404, log_reads, regulator_only
from remediation import dashboard, selectors
from remediation.dashboard_cache import cached_figures
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
    """Where each company stands, what is overdue, what waits for review, how far the physical split has come.

    The figures are rendered once and served from the cache until a table they are read from changes; the
    private records among them are logged as read on every view, cached or not. `?case=<code>` narrows every
    figure to one case; without it they cover every case.
    """
    today = clock.today()
    code = request.GET.get("case", "").strip()
    case = get_visible_or_404(request, Case.objects.all(), code=code) if code else None
    scope = f"regulator:case:{case.code}" if case else "regulator"
    page = cached_figures(scope, today, lambda: _rendered_figures(request, today, case))
    log_reads(request, page["private"])
    return render(request, "remediation/dashboard.html", {"body": page["body"]})


def _rendered_figures(request: HttpRequest, today: datetime.date, case: Case | None = None) -> dict:
    """The dashboard's figures (of one case, or of all) as HTML, and the private records they show."""
    figures = _figures(request.user, today, case)
    shown = [*figures["deadlines"]["overdue"], *figures["deadlines"]["due_soon"]]
    private = [item for item in shown if item.item_kind == "incident"] + list(figures["queue"]["oldest"])
    context = {"today": today, "case": case, **figures, "trend_chart": _trend_chart(figures["trends"])}
    return {"body": render_to_string("remediation/dashboard_body.html", context, request=request), "private": private}


def _figures(user, today: datetime.date, case: Case | None = None) -> dict:
    """Everything the dashboard shows, read from the database (the same for every member of the regulator's staff).

    Each figure covers one case, or every case when `case` is None; the cases to choose from come with them.
    """
    return {
        "cases": list(
            Case.objects.visible_to(user).only("code", "title_ja", "title_en").order_by("-opened_on", "code")
        ),
        "status_counts": dashboard.status_counts(user=user, case=case),
        "heat_map": dashboard.heat_map(user=user, case=case),
        "timeline": dashboard.timeline(user=user, today=today, case=case),
        "deadlines": dashboard.deadlines(user=user, today=today, case=case),
        "overdue_ages": dashboard.overdue_ages(user=user, today=today, case=case),
        "queue": dashboard.review_queue_head(user=user, case=case),
        "pairs": list(dashboard.incident_pairs(user=user, case=case)),
        "trends": dashboard.monthly_trends(user=user, case=case),
        "time_to_close": dashboard.time_to_close(user=user, case=case),
    }


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
    today = clock.today()
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
        .select_related(
            "reminder__company",
            "reminder__implementation__measure__finding__case",
            "reminder__incident__pair__group",
            "reminder__incident__pair__case",
        )
        .order_by("-reminder__sent_at", "-pk")[:RECENT_REMINDERS]
    )
    log_reads(request, [row.reminder for row in received])
    context = {"items": items, "requests": requests, "received": received, "today": today}
    return render(request, "remediation/my_items.html", context)
