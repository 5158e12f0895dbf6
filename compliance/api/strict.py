"""Strict requests: every query parameter and body field a request names is one its operation documents, or a 400.

The OpenAPI schema is the one list of what each operation takes: its query parameters (filters, `ordering`, the
page or cursor, and any of its own) and its request body (the writable fields of its input). Every API view
goes through `StrictRequestMixin` (the router refuses a view without it), which reads that list from the schema
generator once per operation and refuses, with a problem naming the parameter or field:

- a query parameter the operation does not document (`format` is taken everywhere), or one given twice that is
  documented as a single value;
- a body field that is not an input of the operation: "read only" when the record shows it (`code`, `id`,
  `version`), "not known" otherwise. A form's files are fields like any other (`evidence`, `file`).

An operation that documents no body takes no fields at all (a DELETE's fields would be ignored otherwise).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Documented:
    """What one operation takes: query parameters (name → may be repeated), body fields, fields its record shows."""

    query: Mapping[str, bool]
    inputs: frozenset[str]
    shown: frozenset[str]


@functools.cache
def _operations() -> dict[tuple[object, str], tuple[str, str]]:
    """Each (view callback, method) the schema documents → its path and path pattern."""
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()
    generator._initialise_endpoints()
    operations: dict[tuple[object, str], tuple[str, str]] = {}
    for path, path_regex, method, callback in generator.endpoints:
        operations.setdefault((callback, method.upper()), (path, path_regex))
    return operations


def _field_names(serializer, *, writable: bool) -> set[str]:
    if isinstance(serializer, type) and issubclass(serializer, serializers.BaseSerializer):
        serializer = serializer()
    if isinstance(serializer, serializers.ListSerializer):
        serializer = serializer.child
    if not isinstance(serializer, serializers.Serializer):
        return set()
    return {name for name, field in serializer.fields.items() if not (writable and field.read_only)}


@functools.cache
def documented(callback, method: str) -> Documented:
    """What the operation of `callback` for `method` documents; an undocumented one (the API root) takes `format`."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.plumbing import ComponentRegistry
    from drf_spectacular.settings import spectacular_settings

    found = _operations().get((callback, method))
    query = {api_settings.URL_FORMAT_OVERRIDE: False}
    if found is None:
        return Documented(query, frozenset(), frozenset())
    path, path_regex = found
    generator = SchemaGenerator()  # holds the view's schema (by a weak reference) while it is read
    view = generator.create_view(callback, method)
    view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
    operation = view.schema.get_operation(path, path_regex, "", method, ComponentRegistry()) or {}
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "query":
            query[parameter["name"]] = parameter.get("schema", {}).get("type") == "array"
    inputs: set[str] = set()
    if method in BODY_METHODS:
        request = view.schema.get_request_serializer()
        for serializer in request.values() if isinstance(request, dict) else [request]:
            inputs |= _field_names(serializer, writable=True)
    shown = _field_names(view.get_serializer_class(), writable=False) if hasattr(view, "get_serializer_class") else ()
    return Documented(query, frozenset(inputs), frozenset(shown))


def _listed(names) -> str:
    return ", ".join(sorted(names)) or "—"


def check_query(request, taken: Documented) -> None:
    """A 400 naming each query parameter the operation does not take, or takes once and was given more often."""
    errors = {}
    for name, values in request.query_params.lists():
        if name not in taken.query:
            errors[name] = [
                _("Unknown query parameter; this endpoint takes: %(names)s.") % {"names": _listed(taken.query)}
            ]
        elif len(values) > 1 and not taken.query[name]:
            errors[name] = [_("Give this parameter once.")]
    if errors:
        raise ValidationError(errors)


def check_body(request, taken: Documented) -> None:
    """A 400 naming each body field the operation does not take: read only when the record shows it."""
    if request.method not in BODY_METHODS:
        return
    data = request.data
    if not isinstance(data, Mapping):  # a file sent as the body (a case file): its own parser reads it
        return
    errors = {}
    for name in data:
        if name in taken.inputs:
            continue
        if name in taken.shown:
            errors[name] = [_("This field is read only: it cannot be changed here; nothing was saved.")]
        else:
            message = _("This field is not known here; nothing was saved. This request takes: %(names)s.")
            errors[name] = [message % {"names": _listed(taken.inputs)}]
    if errors:
        raise ValidationError(errors)


class StrictRequestMixin:
    """Refuse what an operation does not document, before the view reads the request (see the module)."""

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        callback = getattr(request.resolver_match, "func", None)
        if callback is None or not hasattr(self, request.method.lower()):
            return  # a method the endpoint does not have is a 405, whatever the request names
        taken = documented(callback, "GET" if request.method == "HEAD" else request.method)
        check_query(request, taken)
        check_body(request, taken)


def require_strict(viewset: type) -> type:
    """The viewset, if it refuses what its operations do not document."""
    if not issubclass(viewset, StrictRequestMixin):
        raise ImproperlyConfigured(f"{viewset.__name__} must be built on StrictRequestMixin (compliance.api.strict).")
    return viewset
