"""Where the API shows records of each kind: filled in by the API's router as the apps register their resources.

A lower layer links to a record of any app (a webhook's payload) without importing the apps above it.
"""

from __future__ import annotations

from operator import attrgetter

from django.conf import settings
from django.db import models
from django.urls import get_resolver

# Model label → (URL prefix under /api/v1/, the fields of its key, outermost first) of the resource that shows its
# records (`compliance.api.lookups`: `("case__code", "code")` for a finding).
RECORD_ROUTES: dict[str, tuple[str, tuple[str, ...]]] = {}


def record_route_add(label: str, prefix: str, lookup_fields: tuple[str, ...]) -> None:
    """The first resource registered for a model is where its records live."""
    RECORD_ROUTES.setdefault(label, (prefix, lookup_fields))


def record_api_url(record: models.Model) -> str | None:
    """The record's full address in the API, or None where no resource shows records of its kind."""
    get_resolver().url_patterns  # noqa: B018 - loads the URLs, whose router registers the resources
    route = RECORD_ROUTES.get(record._meta.label)
    if route is None:
        return None
    prefix, lookup_fields = route
    key = "/".join(str(attrgetter(field.replace("__", "."))(record)) for field in lookup_fields)
    return f"{settings.SITE_URL.rstrip('/')}/api/v1/{prefix}/{key}/"
