"""Pages of the companies under supervision: each with what every case and its follow-up asks of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from cases import selectors as case_selectors
from cases.models import Case, Finding, Incident, IncidentPair, RegulatoryAction
from compliance import selectors
from compliance.aggregates import counted, counted_where_seen
from compliance.choices import ItemStatus
from compliance.exports import Column
from compliance.filtersets import CompanyFilterSet
from compliance.guards import get_visible_or_404, log_reads
from compliance.listing import export_if_requested
from compliance.models import Company
from remediation import selectors as remediation_selectors
from remediation.models import Implementation

if TYPE_CHECKING:
    from compliance.models import User

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


def company_list_rows(*, user: User) -> QuerySet[Company]:
    """Every company, with its group and how much of the published case concerns it."""
    return (
        Company.objects.visible_to(user)
        .select_related("group")
        .annotate(
            finding_count=counted(Finding.affected_companies.through.objects.all(), "company"),
            implementation_count=counted(Implementation.objects.all(), "company"),
            open_implementation_count=counted_where_seen(
                user, Implementation.objects.visible_to(user), "company", ~Q(status=ItemStatus.DONE), "status"
            ),
        )
    )


def company_list(request: HttpRequest) -> HttpResponse:
    """Every company, by group, filtered and searched; or the filtered list as a file."""
    filterset = CompanyFilterSet(request.GET, queryset=company_list_rows(user=request.user), request=request)
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
        "cases": company_cases(user=user, company=company),
        "actions": case_selectors.company_actions(user=user, company=company),
        "findings": case_selectors.company_findings(user=user, company=company),
        "implementations": remediation_selectors.company_implementations(user=user, company=company),
        "incidents": log_reads(request, case_selectors.company_incidents(user=user, company=company)),
    }
    return render(request, "compliance/company_detail.html", context)


def company_cases(*, user: User, company: Company) -> QuerySet[Case]:
    """Every case that concerns the company, with how many of the company's items are still open in each.

    A case concerns it when an action is addressed to it, a finding names it, it carries out a measure, or it
    belongs to an incident pair. One query, whatever the number of cases.
    """
    concerns = (
        Exists(RegulatoryAction.objects.visible_to(user).filter(case=OuterRef("pk"), addressees=company))
        | Exists(Finding.objects.visible_to(user).filter(case=OuterRef("pk"), affected_companies=company))
        | Exists(Implementation.objects.visible_to(user).filter(measure__finding__case=OuterRef("pk"), company=company))
        | Exists(IncidentPair.objects.visible_to(user).filter(case=OuterRef("pk"), companies=company))
    )
    # How many of the company's items are open is its own: null for a person who does not see their status.
    not_done = ~Q(status=ItemStatus.DONE)
    implementations = Implementation.objects.visible_to(user).filter(company=company)
    pair_incidents = Incident.objects.visible_to(user).filter(pair__companies=company)
    return (
        Case.objects.visible_to(user)
        .filter(concerns)
        .annotate(
            open_implementation_count=counted_where_seen(
                user, implementations, "measure__finding__case", not_done, "status"
            ),
            open_incident_count=counted_where_seen(user, pair_incidents, "pair__case", not_done, "status"),
        )
        .order_by("-opened_on", "code")
    )
