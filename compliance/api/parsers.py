"""How the API reads a JSON body: one object, nested at most MAX_NESTING levels, or 400 saying why.

Every write of the API takes an object; anything else (an array, a string, a number, null) is refused here, once,
before any view or serializer sees it. Nesting is limited so that no JSON reaches the recursion limit of the parser,
of a serializer or of a JSON column.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_NESTING = 32


class JSONObjectParser(JSONParser):
    """DRF's JSON parser, taking one JSON object nested at most MAX_NESTING levels deep."""

    def parse(self, stream, media_type=None, parser_context=None) -> dict:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        if nesting(data) > MAX_NESTING:
            raise _too_deep()
        if not isinstance(data, dict):
            raise ParseError(_("The body must be a JSON object."))
        return data


def _too_deep() -> ParseError:
    return ParseError(_("The body is nested more than %(limit)s levels deep.") % {"limit": MAX_NESTING})


def nesting(data: object, limit: int = MAX_NESTING) -> int:
    """How many levels of objects and arrays `data` has (1 for a flat object), counted to one past `limit` at most."""
    deepest, pending = 0, [(data, 1)]
    while pending and deepest <= limit:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            children = value.values() if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)
    return deepest
