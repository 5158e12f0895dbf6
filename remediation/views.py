"""Pages of the remediation: measures with their implementers, and what is still open."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases import selectors as case_selectors
from remediation import selectors


def measure_detail(request: HttpRequest, case: str, finding: str, code: str) -> HttpResponse:
    """One measure with each implementing company's status and dates."""
    case_obj = case_selectors.case_get(code=case)
    finding_obj = case_selectors.finding_get(case=case_obj, code=finding)
    measure = selectors.measure_get(finding=finding_obj, code=code)
    return render(
        request, "remediation/measure_detail.html", {"case": case_obj, "finding": finding_obj, "measure": measure}
    )


def open_item_list(request: HttpRequest, case: str) -> HttpResponse:
    """Everything of the case not yet reported done: implementations and incidents' fixes."""
    case_obj = case_selectors.case_get(code=case)
    context = {
        "case": case_obj,
        "implementations": selectors.open_implementation_list(case=case_obj),
        "incidents": case_selectors.open_incident_list(case=case_obj),
    }
    return render(request, "remediation/open_item_list.html", context)
