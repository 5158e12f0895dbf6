"""A list page with filters: one page of rows on screen, or every filtered row as a CSV or Excel file.

The page and its export read the same filtered, scoped queryset, and both log the private rows they show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_filters import FilterSet

from compliance.exports import Column, export_response, requested_format
from compliance.guards import log_reads

PAGE_SIZE = 50


def _reader(request: HttpRequest, log: Callable[[list], object] | None) -> Callable[[Iterable], object]:
    """How the shown rows are logged: `log`, or a read of each private record among them."""
    return log or (lambda records: log_reads(request, records))


def export_if_requested(
    request: HttpRequest,
    rows: Iterable[object],
    columns: Sequence[Column],
    filename: str,
    log: Callable[[list], object] | None = None,
) -> HttpResponse | None:
    """The rows as a file when the request asks for one (`?format=csv|xlsx`), their reads logged; else None."""
    file_format = requested_format(request)
    if file_format is None:
        return None
    shown = list(rows)
    _reader(request, log)(shown)
    return export_response(rows=shown, columns=columns, file_format=file_format, filename=filename)


def filtered_list(
    request: HttpRequest,
    filterset: FilterSet,
    *,
    template: str,
    columns: Sequence[Column],
    filename: str,
    per_page: int = PAGE_SIZE,
    log: Callable[[list], object] | None = None,
    context: dict | None = None,
) -> HttpResponse:
    """A paginated, filtered list page, or its export; `log` records the reads (private records by default)."""
    exported = export_if_requested(request, filterset.qs, columns, filename, log)
    if exported is not None:
        return exported
    page = Paginator(filterset.qs, per_page).get_page(request.GET.get("page"))
    _reader(request, log)(page.object_list)
    return render(request, template, {"filter": filterset, "page": page, **(context or {})})
