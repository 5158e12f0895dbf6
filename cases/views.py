"""Pages of the published case: the case, its timeline, findings and incidents."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases import selectors
from remediation import selectors as remediation_selectors


def case_list(request: HttpRequest) -> HttpResponse:
    """Every case."""
    return render(request, "cases/case_list.html", {"cases": selectors.case_list()})


def case_detail(request: HttpRequest, case: str) -> HttpResponse:
    """One case: summary, figures, timeline of regulatory actions, what is still open."""
    case_obj = selectors.case_get(code=case)
    context = {
        "case": case_obj,
        "actions": selectors.action_list(case=case_obj),
        "status_counts": remediation_selectors.implementation_status_counts(case=case_obj),
        "pairs": selectors.incident_pair_list(case=case_obj),
        "windows": remediation_selectors.open_windows(case=case_obj),
    }
    return render(request, "cases/case_detail.html", context)


def finding_list(request: HttpRequest, case: str) -> HttpResponse:
    """The case's findings grouped by side and law article, each with its measures."""
    case_obj = selectors.case_get(code=case)
    grouped = selectors.findings_by_side_and_article(case=case_obj)
    return render(request, "cases/finding_list.html", {"case": case_obj, "grouped": grouped})


def finding_detail(request: HttpRequest, case: str, code: str) -> HttpResponse:
    """One finding with its companies concerned and its measures."""
    case_obj = selectors.case_get(code=case)
    finding = selectors.finding_get(case=case_obj, code=code)
    return render(request, "cases/finding_detail.html", {"case": case_obj, "finding": finding})


def incident_list(request: HttpRequest, case: str) -> HttpResponse:
    """The case's incidents by pair, with the totals the report gives."""
    case_obj = selectors.case_get(code=case)
    pairs = selectors.incident_pair_list(case=case_obj)
    return render(request, "cases/incident_list.html", {"case": case_obj, "pairs": pairs})


def incident_detail(request: HttpRequest, case: str, pair: int, number: int) -> HttpResponse:
    """One incident and its fix."""
    case_obj = selectors.case_get(code=case)
    incident = selectors.incident_get(case=case_obj, pair_number=pair, number=number)
    return render(request, "cases/incident_detail.html", {"case": case_obj, "incident": incident})
