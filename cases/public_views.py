"""The public portal: the published case, without signing in, read through public fields only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.vary import vary_on_headers

from cases.choices import ActionKind, CaseStatus, DataKind, Side
from cases.models import Case
from cases.publication import case_publication, published_values
from compliance import clock
from compliance.choices import ItemStatus
from remediation.choices import MeasureKind

# Shared caches may keep a public page for ten minutes; it varies with the language asked for.
public_page = [
    login_not_required,
    cache_control(public=True, max_age=600),
    vary_on_headers("Accept-Language", "Cookie"),
]


def publication_labels() -> dict[str, dict]:
    """The labels of the values a publication keeps as data."""
    return {
        "action": dict(ActionKind.choices),
        "side": dict(Side.choices),
        "kind": dict(MeasureKind.choices),
        "status": dict(ItemStatus.choices),
        "data": dict(DataKind.choices),
        "case_status": dict(CaseStatus.choices),
    }


def _public(view):
    for decorator in reversed(public_page):
        view = decorator(view)
    return view


@_public
def public_case_list(request: HttpRequest) -> HttpResponse:
    """Every published case."""
    cases = published_values(Case.objects.order_by("-opened_on"), "code", "title_ja", "title_en", "opened_on")
    return render(request, "public/case_list.html", {"cases": cases})


@_public
def public_case_detail(request: HttpRequest, case: str) -> HttpResponse:
    """One case as published: timeline, findings, measures, incidents and fixes; open items once made public."""
    found = Case.objects.filter(code=case).first()
    if found is None:
        raise Http404
    content = case_publication(case=found, as_of=clock.today())
    context = {"content": content, "labels": publication_labels(), "by_company": _by_company(content)}
    return render(request, "public/case_detail.html", context)


def _by_company(content: dict) -> list[dict]:
    """Each company with the findings that concern it and the measures it carries out."""
    companies: dict[str, dict] = {}
    for side in content["sides"]:
        for finding in side["findings"]:
            for company in finding["concerned"]:
                companies.setdefault(company["code"], {"company": company, "findings": [], "measures": []})
                companies[company["code"]]["findings"].append(finding["code"])
            for measure in finding["measures"]:
                for company in measure["implementers"]:
                    entry = companies.setdefault(company["code"], {"company": company, "findings": [], "measures": []})
                    entry["measures"].append(measure["code"])
    return list(companies.values())
