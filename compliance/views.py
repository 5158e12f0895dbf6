"""Pages of the companies under supervision, and the regulator's pages over the logs."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases import selectors as case_selectors
from compliance import selectors
from compliance.audit import access_log_read_rows
from compliance.filtersets import AccessLogFilterSet, AnomalyFilterSet, HistoryFilterSet
from compliance.guards import get_visible_or_404, log_reads, regulator_only
from compliance.history import change_history
from remediation import selectors as remediation_selectors

PAGE_SIZE = 100


def company_list(request: HttpRequest) -> HttpResponse:
    """Every company, by group."""
    companies = selectors.company_list(user=request.user)
    return render(request, "compliance/company_list.html", {"companies": companies})


def company_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One company and everything of every case that concerns it."""
    user = request.user
    company = get_visible_or_404(request, selectors.companies(user=user), code=code)
    context = {
        "company": company,
        "siblings": company.siblings(),
        "actions": case_selectors.company_actions(user=user, company=company),
        "findings": case_selectors.company_findings(user=user, company=company),
        "implementations": remediation_selectors.company_implementations(user=user, company=company),
        "incidents": log_reads(request, case_selectors.company_incidents(user=user, company=company)),
    }
    return render(request, "compliance/company_detail.html", context)


def _regulator_list(request: HttpRequest, filterset, template: str, log_page) -> HttpResponse:
    """A filtered, paginated list for regulator staff; `log_page` records the read of the page shown."""
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    log_page(page.object_list)
    return render(request, template, {"filter": filterset, "page": page})


@regulator_only
def access_log_list(request: HttpRequest) -> HttpResponse:
    """The access log, filterable; reading it is itself logged."""
    filterset = AccessLogFilterSet(request.GET, queryset=selectors.access_log(user=request.user))
    return _regulator_list(request, filterset, "compliance/access_log_list.html", lambda rows: log_reads(request, rows))


@regulator_only
def change_history_list(request: HttpRequest) -> HttpResponse:
    """Every change to every record: who, when, what changed."""
    filterset = HistoryFilterSet(request.GET, queryset=change_history())
    return _regulator_list(
        request,
        filterset,
        "compliance/change_history_list.html",
        lambda events: access_log_read_rows(
            request=request, object_type="history", object_ids=[e.pgh_slug for e in events]
        ),
    )


@regulator_only
def access_anomaly_list(request: HttpRequest) -> HttpResponse:
    """What the periodic analysis of the access log flagged."""
    filterset = AnomalyFilterSet(request.GET, queryset=selectors.access_anomalies(user=request.user))
    return _regulator_list(
        request, filterset, "compliance/access_anomaly_list.html", lambda rows: log_reads(request, rows)
    )
