"""How the API addresses records: one lookup rule, for URLs and for the relations in bodies and answers.

A record with a code is addressed by its code; a record without one by its id.

- A code unique across the product (cases, companies, company groups, laws, law articles, instruments, authorities,
  safeguard types) is the whole key: `/cases/{code}/`.
- A code unique within a case (findings, regulatory actions) comes after the case's code:
  `/findings/{case}/{code}/`, `/regulatory-actions/{case}/{code}/`.
- A code unique within a finding (measures) comes after the finding's key: `/measures/{case}/{finding}/{code}/`.
- Each segment is a code, so the URL reads as the record's key. Records without a code (implementations, incidents,
  incident pairs, progress updates, reviews, evidence, deadline changes, reminders, history, tokens) keep
  `/{resource}/{id}/`.

Relations follow the same rule. A body names a coded record by its codes, with the codes of what its code is unique
within beside it (a measure's finding: `{"case": "<case code>", "finding": "<finding code>"}`), and never by its id;
an id names only a record without a code (an incident's pair, a progress update's implementation). Answers link
related records (`url`, `finding`, `measure`…) and show the codes that address them (`case`, `finding_code`,
`measure_code`), so that a client never has to take a URL apart.

A viewset states its key as `lookup_fields`, the paths of its codes from the outermost (`("case__code", "code")`);
one with a single key keeps DRF's `lookup_field`. Each field is one path segment named after the record it is the
code of (`finding__case__code` → `{case}`, `code` → `{code}`). From that one statement the router builds the URL
(`ApiRouter`), the scoping mixin finds the record (`ScopedViewSetMixin.get_object`, 404 and a log entry for what
the person may not see), the links are built (`compliance.api.fields`), and the schema documents each segment
(`compliance.api.schema.ApiAutoSchema`).
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from django.db import models
from django.urls import get_resolver
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

# One path segment: anything but a slash or a dot (the dot starts a format suffix: `.json`). A code never has either.
SEGMENT = r"[^/.]+"

# Route names (`finding-detail`, `evidence-download`) → the lookup fields of the viewset behind them, as the router
# registers them: what links to a record of that route are built from.
_route_lookups: dict[str, tuple[str, ...]] = {}


def lookup_fields_of(view: object) -> tuple[str, ...]:
    """The fields that address a record of `view`, outermost first: `("case__code", "code")`, or `("pk",)`."""
    fields = getattr(view, "lookup_fields", None)
    return tuple(fields) if fields else (getattr(view, "lookup_field", "pk"),)


def url_kwarg(field: str) -> str:
    """The path segment of one lookup field: `code` for the record's own code, the record's name for another's
    (`finding__case__code` → `case`, `finding__code` → `finding`); any other field by its own name (`pk`)."""
    parts = field.split("__")
    return parts[-2] if len(parts) > 1 and parts[-1] == "code" else field


def url_kwargs(fields: Sequence[str]) -> list[str]:
    return [url_kwarg(field) for field in fields]


def path_regex(fields: Sequence[str], prefix: str = "") -> str:
    """The URL pattern of a record's key: one named segment per lookup field."""
    return "/".join(f"(?P<{prefix}{name}>{SEGMENT})" for name in url_kwargs(fields))


def lookup_from_url(fields: Sequence[str], kwargs: dict) -> dict[str, object]:
    """The queryset lookup a URL's segments make: `{"case__code": "ppc-2024", "code": "td-1"}`."""
    return {field: kwargs[url_kwarg(field)] for field in fields}


def key_of(record: models.Model, fields: Sequence[str]) -> dict[str, object]:
    """The URL segments that address `record`: `{"case": "ppc-2024", "code": "td-1"}` (its related rows read as
    loaded: select the ones the key goes through)."""
    return {url_kwarg(field): attrgetter(field.replace("__", "."))(record) for field in fields}


def register_routes(basename: str, viewset: type) -> None:
    """Remember the key of the records the viewset's detail routes serve, by route name (the router calls this)."""
    fields = lookup_fields_of(viewset)
    _route_lookups[f"{basename}-detail"] = fields
    for action in viewset.get_extra_actions():
        if action.detail:
            _route_lookups[f"{basename}-{action.url_name}"] = fields


def route_lookup(view_name: str) -> tuple[str, ...] | None:
    """The lookup fields of the records a route name (`api:finding-detail`) serves, or None if it has none."""
    name = view_name.rsplit(":", 1)[-1]
    if name not in _route_lookups:
        get_resolver().url_patterns  # noqa: B018 (loading the URLs registers the routes)
    return _route_lookups.get(name)


def path_parameters(view: object) -> list[OpenApiParameter]:
    """The segments of a coded record's key, each documented as a string (none for a record addressed by id)."""
    fields = lookup_fields_of(view)
    queryset = getattr(view, "queryset", None)
    if queryset is None or not all(field.endswith("code") for field in fields):
        return []
    model = queryset.model
    with translation.override("en"):
        return [
            OpenApiParameter(
                url_kwarg(field),
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description=_segment_description(model, fields, position),
            )
            for position, field in enumerate(fields)
        ]


def _related_model(model: type[models.Model], path: str) -> type[models.Model]:
    for name in path.split("__")[:-1]:
        model = model._meta.get_field(name).related_model
    return model


def _segment_description(model: type[models.Model], fields: Sequence[str], position: int) -> str:
    related = _related_model(model, fields[position])
    named = related._meta.verbose_name
    if related is model:
        if len(fields) == 1:
            return f"The {named}'s code."
        within = _related_model(model, fields[position - 1])._meta.verbose_name
        return f"The {named}'s code, unique within its {within}."
    if position == 0:
        return f"The code of the {model._meta.verbose_name}'s {named}."
    within = _related_model(model, fields[position - 1])._meta.verbose_name
    return f"The code of the {model._meta.verbose_name}'s {named}, unique within its {within}."
