"""The scoping rule in the API: every viewset reads through `visible_to` and logs private reads."""

from __future__ import annotations

from rest_framework import permissions, viewsets
from rest_framework.exceptions import NotFound

from compliance.access import is_regulator
from compliance.api import lookups
from compliance.api.fields import codes_along
from compliance.api.strict import StrictRequestMixin
from compliance.audit import access_log_denied
from compliance.guards import get_visible_or_404, log_reads


class ScopedViewSetMixin(StrictRequestMixin):
    """Restrict the queryset to what the person may see before any lookup; log every private read.

    An object outside the person's scope answers 404, exactly like one that does not exist. A record is found by
    its key as `compliance.api.lookups` says: its code, or its codes (`/findings/{case}/{code}/`), or its id. What
    a request names that its operation does not document is refused (`compliance.api.strict`).
    """

    # Relation paths whose rows' codes each record is read with (`compliance.api.fields.codes_along`): on the rows
    # answered only, not where a page's keys are found (which then needs no join).
    codes_read_along: tuple[str, ...] = ()

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def rows_shown(self, rows):
        """`rows` read with what the answer shows of their related rows."""
        return codes_along(rows, *self.codes_read_along)

    def get_object(self):
        lookup = lookups.lookup_from_url(lookups.lookup_fields_of(self), self.kwargs)
        record = get_visible_or_404(self.request, self.rows_shown(self.get_queryset()), **lookup)
        self.check_object_permissions(self.request, record)
        return record

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            log_reads(self.request, page)
        return page


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """A read-only API resource that starts from what the person may see."""


class RegulatorOnly(permissions.BasePermission):
    """An endpoint for regulator staff alone: anyone signed in gets 404, and the attempt is logged; anyone else,
    401 like every other endpoint (a 404 would tell an anonymous caller nothing more, and hid what to do)."""

    def has_permission(self, request, view) -> bool:
        # A method the endpoint does not have is a 405 for everyone: the schema says which it has.
        if is_regulator(request.user) or not hasattr(view, request.method.lower()):
            return True
        if not request.user.is_authenticated:
            return False
        access_log_denied(request=request, object_type=f"api:{request.resolver_match.view_name}")
        raise NotFound
