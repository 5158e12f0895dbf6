"""Pages of the remediation: measures with their implementers, what is still open, progress updates."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases import selectors as case_selectors
from compliance.guards import get_visible_or_404, log_reads
from remediation import selectors
from remediation.filtersets import ProgressUpdateFilterSet


def measure_detail(request: HttpRequest, case: str, finding: str, code: str) -> HttpResponse:
    """One measure with each implementing company's status and dates."""
    user = request.user
    case_obj = get_visible_or_404(request, case_selectors.cases(user=user), code=case)
    finding_obj = get_visible_or_404(request, case_selectors.finding_list(user=user, case=case_obj), code=finding)
    measure = get_visible_or_404(request, selectors.measures(user=user, finding=finding_obj), code=code)
    context = {"case": case_obj, "finding": finding_obj, "measure": measure}
    return render(request, "remediation/measure_detail.html", context)


def open_item_list(request: HttpRequest, case: str) -> HttpResponse:
    """Everything of the case not yet reported done: implementations and incidents' fixes."""
    user = request.user
    case_obj = get_visible_or_404(request, case_selectors.cases(user=user), code=case)
    context = {
        "case": case_obj,
        "implementations": selectors.open_implementation_list(user=user, case=case_obj),
        "incidents": log_reads(request, case_selectors.open_incident_list(user=user, case=case_obj)),
    }
    return render(request, "remediation/open_item_list.html", context)


def progress_update_list(request: HttpRequest) -> HttpResponse:
    """Progress updates: an officer's own company's, or every company's for the regulator."""
    filterset = ProgressUpdateFilterSet(
        request.GET, queryset=selectors.progress_updates(user=request.user), request=request
    )
    page = Paginator(filterset.qs.order_by("-submitted_at", "-pk"), 50).get_page(request.GET.get("page"))
    log_reads(request, page.object_list)
    return render(request, "remediation/progress_update_list.html", {"filter": filterset, "page": page})


def progress_update_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One progress update."""
    update = get_visible_or_404(request, selectors.progress_updates(user=request.user), pk=pk)
    return render(request, "remediation/progress_update_detail.html", {"update": update})
