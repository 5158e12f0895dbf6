"""Pages of the companies under supervision."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases import selectors as case_selectors
from compliance import selectors
from remediation import selectors as remediation_selectors


def company_list(request: HttpRequest) -> HttpResponse:
    """Every company, by group."""
    return render(request, "compliance/company_list.html", {"companies": selectors.company_list()})


def company_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One company and everything of every case that concerns it."""
    company = selectors.company_get(code=code)
    context = {
        "company": company,
        "siblings": company.siblings(),
        "actions": case_selectors.company_actions(company=company),
        "findings": case_selectors.company_findings(company=company),
        "implementations": remediation_selectors.company_implementations(company=company),
        "incidents": case_selectors.company_incidents(company=company),
    }
    return render(request, "compliance/company_detail.html", context)
