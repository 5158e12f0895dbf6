"""The API's router: DRF's, with records addressed as `compliance.api.lookups` says, and format suffixes (`.json`,
`.api`) on the root and on each list and detail only."""

from __future__ import annotations

from rest_framework.routers import APIRootView, DefaultRouter
from rest_framework.urlpatterns import format_suffix_patterns

from compliance.api import lookups
from compliance.api.strict import StrictRequestMixin, require_strict
from compliance.record_addresses import record_route_add

SUFFIXED_ROUTES = ("-list", "-detail")
SUFFIXES = ["json", "api"]


class ApiRootView(StrictRequestMixin, APIRootView):
    """The list of resources, taking no query parameter but `format`."""


class ApiRouter(DefaultRouter):
    """Suffixed variants of the resources alone: an extra action (a file, a workflow step) has none.

    DRF would pass an action the suffix as an argument it does not take (a 500, before the scope check), and a file
    has no format to choose. Any other suffix (`.csv`) is no URL at all: 404. Every viewset refuses what its
    operations do not document (`compliance.api.strict`).

    A record's key is one path segment per lookup field (`findings/{case}/{code}/`), and the router remembers each
    detail route's key so that links to its records are built from it.
    """

    include_format_suffixes = False
    APIRootView = ApiRootView

    def register(self, prefix, viewset, basename=None) -> None:
        super().register(prefix, require_strict(viewset), basename)
        lookups.register_routes(basename or self.get_default_basename(viewset), viewset)
        queryset = getattr(viewset, "queryset", None)
        if queryset is not None:
            # Where webhooks' payloads link to records of its kind.
            record_route_add(queryset.model._meta.label, prefix, lookups.lookup_fields_of(viewset))

    def get_lookup_regex(self, viewset, lookup_prefix="") -> str:
        return lookups.path_regex(lookups.lookup_fields_of(viewset), lookup_prefix)

    def get_urls(self) -> list:
        urls = super().get_urls()
        resources = [url for url in urls if url.name == self.root_view_name or url.name.endswith(SUFFIXED_ROUTES)]
        return urls + format_suffix_patterns(resources, suffix_required=True, allowed=SUFFIXES)
