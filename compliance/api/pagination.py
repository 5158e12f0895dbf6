"""Pagination of the API lists: page after page from a cursor, in the list's order, with no count.

Every list is read in an order an index serves (`compliance.keyset`), from a position: the page at depth
30,000 costs what the first does, and rows added or removed while a client walks the list never make it skip or
repeat a row. The answer links the `next` and `previous` pages; there is no count of every row (counting costs a
read of every row, on every page).

What a client asks for is taken as asked or refused: a `page_size` that is not a whole number from 1 to 500 is a
400 naming the range (DRF would quietly use the default), and a cursor that does not decode to a position of the
list's order (edited, or from another order) is a 404, like a page that does not exist.
"""

import base64
import binascii
import json

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from compliance.keyset import NotAPosition, after, keyset_order

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def whole_number(request, name: str, maximum: int | None, message: str) -> int | None:
    """The query parameter `name` as a whole number from 1 (to `maximum`), None when absent, else a 400."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    value = values[0]
    if len(values) > 1 or not (value.isascii() and value.isdigit()):
        raise ValidationError({name: [message]})
    number = int(value)
    if number < 1 or (maximum is not None and number > maximum):
        raise ValidationError({name: [message]})
    return number


class KeysetPagination(BasePagination):
    """Pages of 50 by default (`page_size` up to 500), each from the `cursor` the previous answer linked."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    cursor_query_param = "cursor"
    invalid_cursor_message = _("Invalid cursor: follow the links `next` and `previous` as the answers give them.")

    def get_page_size(self, request) -> int:
        message = _("Give a whole number from 1 to %(maximum)d, once.") % {"maximum": self.max_page_size}
        size = whole_number(request, self.page_size_query_param, self.max_page_size, message)
        return self.page_size if size is None else size

    def paginate_queryset(self, queryset, request, view=None) -> list:
        size = self.get_page_size(request)
        self.request, self.terms = request, keyset_order(queryset)
        values, backwards = self.decode_cursor(request)
        shown = getattr(view, "rows_shown", None)
        rows = list(self.page_rows(queryset, values, backwards, size + 1, shown))
        more = len(rows) > size
        page = rows[:size]
        if backwards:
            page.reverse()
        self.next_row = page[-1] if page and (more or backwards) else None
        self.previous_row = page[0] if page and (more if backwards else values is not None) else None
        return page

    def page_rows(self, queryset, values: list | None, backwards: bool, limit: int, shown=None):
        """The page's rows, in one query. A list that shows related rows finds its keys from the keyset alone (an
        index scan from the position, joining only what the filters need), then reads those rows with all they
        show (`shown`, the view's `rows_shown`, adds what they show of related rows): joined in one statement,
        PostgreSQL may walk a related table from its start to reach a deep page. A list of one table reads its rows
        straight from the index (finding a partitioned table's or a view's rows again by key would cost a lookup in
        every partition or a pass over the view)."""
        order = [part for term in self.terms for part in term.ordered(backwards)]
        rows = queryset.annotate(**{term.alias: term.expression for term in self.terms})
        page = rows.filter(after(self.terms, values, backwards)) if values is not None else rows
        answered = rows if shown is None else shown(rows)
        adds_related = answered.query.annotations.keys() != rows.query.annotations.keys()
        if not (queryset.query.select_related or adds_related):
            return page.order_by(*order)[:limit]
        return answered.filter(pk__in=page.order_by(*order).values("pk")[:limit]).order_by(*order)

    def decode_cursor(self, request) -> tuple[list | None, bool]:
        """The cursor's position and direction, (None, False) without one; a 404 when it is not a position."""
        given = request.query_params.getlist(self.cursor_query_param)
        if not given:
            return None, False
        try:
            if len(given) > 1:
                raise NotAPosition(self.cursor_query_param)
            decoded = json.loads(base64.urlsafe_b64decode(given[0].encode("ascii") + b"==="))
            order, values, backwards = decoded["o"], decoded["v"], decoded["r"]
            if order != [term.label for term in self.terms] or not isinstance(values, list) or backwards not in (0, 1):
                raise NotAPosition(self.cursor_query_param)
            if len(values) != len(self.terms):
                raise NotAPosition(self.cursor_query_param)
            position = [term.from_json(value) for term, value in zip(self.terms, values, strict=True)]
            [term.value_of(value) for term, value in zip(self.terms, position, strict=True)]
        except (NotAPosition, ValueError, TypeError, KeyError, UnicodeError, binascii.Error):
            raise NotFound(self.invalid_cursor_message) from None
        return position, bool(backwards)

    def encode_cursor(self, row, backwards: bool) -> str:
        values = [term.to_json(getattr(row, term.alias)) for term in self.terms]
        position = {"o": [term.label for term in self.terms], "v": values, "r": int(backwards)}
        text = json.dumps(position, separators=(",", ":"), default=str)
        return base64.urlsafe_b64encode(text.encode()).decode("ascii").rstrip("=")

    def link(self, row, backwards: bool) -> str | None:
        if row is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.encode_cursor(row, backwards))

    def get_next_link(self) -> str | None:
        return self.link(self.next_row, backwards=False)

    def get_previous_link(self) -> str | None:
        return self.link(self.previous_row, backwards=True)

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page; null on the last."},
                "previous": {**link, "description": "The page before; null on the first."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: the cursor of a `next` or `previous` link, as given.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows on a page, from 1 to {self.max_page_size} ({self.page_size} by default).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
