"""The scoping rule at the edge: lookups that answer 404 for out-of-scope records and log every access."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from compliance.access import Scoped, is_regulator
from compliance.audit import access_log_denied, access_log_reads, record_label

RecordT = TypeVar("RecordT", bound=Model)


def get_visible_or_404(request: HttpRequest, queryset: QuerySet[RecordT], **lookup: object) -> RecordT:
    """The record `request.user` may see, its read logged when private.

    A record outside the person's scope answers 404 exactly like a missing one, and the attempt is logged.
    """
    model = queryset.model
    try:
        record = queryset.visible_to(request.user).get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError, ValidationError):  # a malformed key is missing too
        if model.has_private_records:
            wanted = ",".join(f"{key}={value}" for key, value in sorted(lookup.items()))
            access_log_denied(request=request, object_type=record_label(model), object_id=wanted)
        raise Http404 from None
    access_log_reads(request=request, records=[record])
    return record


def log_reads(request: HttpRequest, records: Iterable[Scoped]) -> list[Scoped]:
    """Log the private records a page or an endpoint is about to show, and return them as a list."""
    shown = list(records)
    access_log_reads(request=request, records=shown)
    return shown


def regulator_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for regulator staff alone: anyone else gets 404, and the attempt is logged."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not is_regulator(request.user):
            access_log_denied(request=request, object_type=f"page:{request.resolver_match.view_name}")
            raise Http404
        return view(request, *args, **kwargs)

    return guarded
