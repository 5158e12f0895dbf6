"""Pages of the companies under supervision, and the regulator's pages over the logs."""

import copy
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from cases import selectors as case_selectors
from compliance import calendar, selectors
from compliance.audit import access_log_denied, access_log_read_rows, record_label
from compliance.exports import Column
from compliance.filtersets import AccessLogFilterSet, AnomalyFilterSet, CompanyFilterSet, HistoryFilterSet
from compliance.guards import get_visible_or_404, log_reads, regulator_only
from compliance.history import change_history
from compliance.listing import export_if_requested, filtered_list
from compliance.models import CalendarFeed
from remediation import selectors as remediation_selectors

PAGE_SIZE = 100

COMPANY_COLUMNS = [
    Column(_("Code"), "code"),
    Column(_("Name (Japanese)"), "name_ja"),
    Column(_("Name (English)"), "name_en"),
    Column(_("Kind"), "get_kind_display"),
    Column(_("Group"), "group.name_ja"),
    Column(_("Findings"), "finding_count"),
    Column(_("Implementations"), "implementation_count"),
    Column(_("Open items"), "open_implementation_count"),
]


def company_list(request: HttpRequest) -> HttpResponse:
    """Every company, by group, filtered and searched; or the filtered list as a file."""
    filterset = CompanyFilterSet(request.GET, queryset=selectors.company_list(user=request.user), request=request)
    exported = export_if_requested(request, filterset.qs, COMPANY_COLUMNS, "companies")
    if exported is not None:
        return exported
    page = Paginator(filterset.qs.order_by("position", "code"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "compliance/company_list.html", {"companies": page, "page": page, "filter": filterset})


def company_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One company and everything of every case that concerns it."""
    user = request.user
    company = get_visible_or_404(request, selectors.companies(user=user), code=code)
    context = {
        "company": company,
        "siblings": company.siblings(),
        "cases": case_selectors.company_cases(user=user, company=company),
        "actions": case_selectors.company_actions(user=user, company=company),
        "findings": case_selectors.company_findings(user=user, company=company),
        "implementations": remediation_selectors.company_implementations(user=user, company=company),
        "incidents": log_reads(request, case_selectors.company_incidents(user=user, company=company)),
    }
    return render(request, "compliance/company_detail.html", context)


ACCESS_LOG_COLUMNS = [
    Column("#", "pk"),
    Column(_("At"), "at"),
    Column(_("Person"), "username"),
    Column(_("Action"), "get_action_display"),
    Column(_("Record type"), "object_type"),
    Column(_("Record"), "object_id"),
    Column(_("Record's company (id)"), "object_company_id"),
    Column(_("Method"), "method"),
    Column(_("Path"), "path"),
    Column(_("Address"), "ip_address"),
    Column(_("User agent"), "user_agent"),
    Column(_("Hash"), "entry_hash"),
]


@regulator_only
def access_log_list(request: HttpRequest) -> HttpResponse:
    """The access log, filterable, or exported; reading it is itself logged."""
    filterset = AccessLogFilterSet(request.GET, queryset=selectors.access_log(user=request.user))
    return filtered_list(
        request,
        filterset,
        template="compliance/access_log_list.html",
        columns=ACCESS_LOG_COLUMNS,
        filename="access-log",
        per_page=PAGE_SIZE,
    )


HISTORY_COLUMNS = [
    Column(_("At"), "pgh_created_at"),
    Column(_("Record type"), "pgh_obj_model"),
    Column(_("Record"), "pgh_obj_id"),
    Column(_("Event"), "pgh_label"),
    Column(_("Person"), "username"),
    Column(_("Changes (before → after)"), lambda event: json.dumps(event.pgh_diff, ensure_ascii=False, default=str)),
]


@regulator_only
def change_history_list(request: HttpRequest) -> HttpResponse:
    """Every change to every record: who, when, what changed; or the filtered history as a file."""
    filterset = HistoryFilterSet(request.GET, queryset=change_history())
    return filtered_list(
        request,
        filterset,
        template="compliance/change_history_list.html",
        columns=HISTORY_COLUMNS,
        filename="change-history",
        per_page=PAGE_SIZE,
        log=lambda events: access_log_read_rows(
            request=request, object_type="history", object_ids=[e.pgh_slug for e in events]
        ),
    )


ANOMALY_COLUMNS = [
    Column(_("Day"), "day"),
    Column(_("Kind"), "get_kind_display"),
    Column(_("Person"), "user.username"),
    Column(_("Company"), "user.company.name_ja"),
    Column(_("Count"), "count"),
    Column(_("Usual daily count"), "baseline"),
]


@regulator_only
def access_anomaly_list(request: HttpRequest) -> HttpResponse:
    """What the periodic analysis of the access log flagged; or the filtered list as a file."""
    filterset = AnomalyFilterSet(request.GET, queryset=selectors.access_anomalies(user=request.user))
    return filtered_list(
        request,
        filterset,
        template="compliance/access_anomaly_list.html",
        columns=ANOMALY_COLUMNS,
        filename="access-analysis",
        per_page=PAGE_SIZE,
    )


@never_cache
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """The person's calendar address: shown once when made, and made anew or revoked here."""
    person = request.user
    context: dict[str, object] = {}
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            calendar.calendar_feed_revoke(actor=person)
            messages.success(request, gettext("Your calendar address was revoked: it no longer answers."))
            return redirect(reverse("compliance:calendar_feed"))
        token = calendar.calendar_feed_issue(actor=person)
        context["feed_url"] = request.build_absolute_uri(reverse("compliance:calendar_feed_ics", args=[token]))
    context["feed"] = calendar.active_feed(person=person)
    return render(request, "compliance/calendar_feed.html", context)


def _without_token(request: HttpRequest, token: str, feed: CalendarFeed | None = None) -> HttpRequest:
    """The request as the access log records it: the secret token left out of its path, made by the feed's person.

    The token stands for its person, as an API token does, so the feed's reads are logged as theirs.
    """
    logged = copy.copy(request)
    logged.path = request.path.replace(token, f"(feed-{feed.pk})" if feed else "(unknown-token)")
    if feed is not None:
        logged.user = feed.person
    return logged


@login_not_required
@never_cache
def calendar_feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed behind a secret address: the dates its person follows; 404 once revoked."""
    feed = calendar.feed_for_token(token)
    if feed is None:
        access_log_denied(request=_without_token(request, token), object_type=record_label(CalendarFeed))
        raise Http404
    person = feed.person
    items = log_reads(_without_token(request, token, feed), calendar.calendar_items(person=person))
    with translation.override(person.language):
        body = calendar.calendar_text(items, name=gettext("Compliance case tracker"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response
