"""The API's router: DRF's, with records addressed as `compliance.api.lookups` says, and format suffixes (`.json`,
`.api`) on the root and on each list and detail only."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter
from rest_framework.urlpatterns import format_suffix_patterns

from compliance.api import lookups

SUFFIXED_ROUTES = ("-list", "-detail")
SUFFIXES = ["json", "api"]


class ApiRouter(DefaultRouter):
    """Suffixed variants of the resources alone: an extra action (a file, a workflow step) has none.

    DRF would pass an action the suffix as an argument it does not take (a 500, before the scope check), and a file
    has no format to choose. Any other suffix (`.csv`) is no URL at all: 404.

    A record's key is one path segment per lookup field (`findings/{case}/{code}/`), and the router remembers each
    detail route's key so that links to its records are built from it.
    """

    include_format_suffixes = False

    def register(self, prefix, viewset, basename=None) -> None:
        super().register(prefix, viewset, basename)
        lookups.register_routes(basename or self.get_default_basename(viewset), viewset)

    def get_lookup_regex(self, viewset, lookup_prefix="") -> str:
        return lookups.path_regex(lookups.lookup_fields_of(viewset), lookup_prefix)

    def get_urls(self) -> list:
        urls = super().get_urls()
        resources = [url for url in urls if url.name == self.root_view_name or url.name.endswith(SUFFIXED_ROUTES)]
        return urls + format_suffix_patterns(resources, suffix_required=True, allowed=SUFFIXES)
