"""Pages of the published case: the case, its timeline, findings and incidents."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases import selectors
from cases.models import Case
from compliance.guards import get_visible_or_404, log_reads
from remediation import selectors as remediation_selectors


def _case(request: HttpRequest, code: str) -> Case:
    return get_visible_or_404(request, selectors.cases(user=request.user), code=code)


def case_list(request: HttpRequest) -> HttpResponse:
    """Every case."""
    return render(request, "cases/case_list.html", {"cases": selectors.case_list(user=request.user)})


def case_detail(request: HttpRequest, case: str) -> HttpResponse:
    """One case: summary, figures, timeline of regulatory actions, what is still open."""
    user = request.user
    case_obj = _case(request, case)
    context = {
        "case": case_obj,
        "actions": selectors.action_list(user=user, case=case_obj),
        "status_counts": remediation_selectors.implementation_status_counts(user=user, case=case_obj),
        "pairs": selectors.incident_pair_list(user=user, case=case_obj),
        "windows": remediation_selectors.open_windows(user=user, case=case_obj),
    }
    return render(request, "cases/case_detail.html", context)


def finding_list(request: HttpRequest, case: str) -> HttpResponse:
    """The case's findings grouped by side and law article, each with its measures."""
    case_obj = _case(request, case)
    grouped = selectors.findings_by_side_and_article(user=request.user, case=case_obj)
    return render(request, "cases/finding_list.html", {"case": case_obj, "grouped": grouped})


def finding_detail(request: HttpRequest, case: str, code: str) -> HttpResponse:
    """One finding with its companies concerned and its measures."""
    case_obj = _case(request, case)
    finding = get_visible_or_404(request, selectors.finding_list(user=request.user, case=case_obj), code=code)
    return render(request, "cases/finding_detail.html", {"case": case_obj, "finding": finding})


def incident_list(request: HttpRequest, case: str) -> HttpResponse:
    """The case's incidents by pair, with the totals the report gives."""
    case_obj = _case(request, case)
    pairs = list(selectors.incident_pair_list(user=request.user, case=case_obj))
    log_reads(request, [incident for pair in pairs for incident in pair.incidents.all()])
    return render(request, "cases/incident_list.html", {"case": case_obj, "pairs": pairs})


def incident_detail(request: HttpRequest, case: str, pair: int, number: int) -> HttpResponse:
    """One incident and its fix."""
    case_obj = _case(request, case)
    incident = get_visible_or_404(
        request, selectors.incidents(user=request.user), pair__case=case_obj, pair__number=pair, number=number
    )
    return render(request, "cases/incident_detail.html", {"case": case_obj, "incident": incident})
