"""Records' keys as the API addresses them (`compliance.api.lookups`), for tests that walk every route."""

from __future__ import annotations

import re

from compliance.api import lookups

# A path parameter in the schema (`{case}`) or a named group in a route (`(?P<case>[^/.]+)`).
SCHEMA_PARAMETER = re.compile(r"\{(\w+)\}")
ROUTE_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def model_of(view: type) -> type:
    """The model of a view's records: its queryset's, or (a view that reads only the person's own records through
    `get_queryset`) its serializer's."""
    return view.queryset.model if view.queryset is not None else view.serializer_class.Meta.model


def record_keys(view: type, *, order: str = "-pk") -> list[dict[str, object]]:
    """The keys of the records of the view's model, each as its path segments (`{"case": …, "code": …}`)."""
    fields = lookups.lookup_fields_of(view)
    rows = model_of(view)._default_manager.order_by(order).values_list(*fields)
    return [dict(zip(lookups.url_kwargs(fields), row, strict=True)) for row in rows]


def fill(path: str, key: dict[str, object] | None, pattern: re.Pattern = SCHEMA_PARAMETER) -> str:
    """The path with each parameter replaced by the key's value (0 for a record that does not exist); the schema
    names a primary key `id` where the route says `pk`."""
    key = key or {}
    return pattern.sub(
        lambda match: str(key.get(match.group(1), key.get("pk", 0) if match.group(1) == "id" else 0)), path
    )
