"""Pagination of the API lists: numbered pages, or a cursor for the logs that grow without end.

What a client asks for is taken as asked or refused: a `page_size` that is not a whole number from 1 to 500 is a
400 naming the range (DRF would quietly use the default), and a cursor that does not decode to a position of the
list's order is a 404, like a page that does not exist (DRF would hand a malformed position to the database).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination

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


class StrictPageSize:
    """`page_size` from 1 to `max_page_size`, given once, or a 400 that says so."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        message = _("Give a whole number from 1 to %(maximum)d, once.") % {"maximum": self.max_page_size}
        size = whole_number(request, self.page_size_query_param, self.max_page_size, message)
        return self.page_size if size is None else size

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
            elif parameter["name"] == getattr(self, "page_query_param", None):
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class StandardPagination(StrictPageSize, PageNumberPagination):
    """Pages of 50 by default; `page_size` up to 500; `page` from 1, or a 400 (a page past the last is a 404)."""

    def get_page_number(self, request, paginator) -> int:
        page = whole_number(request, self.page_query_param, None, _("Give a whole number from 1, once."))
        return 1 if page is None else page


class NewestFirstPagination(StrictPageSize, CursorPagination):
    """A log, newest first, page after page from a cursor: no count of every entry ever written, and the hundredth
    page costs what the first does. Pages of 50 by default; `page_size` up to 500."""

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model  # the cursor's position is checked against the field it orders by
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
            try:
                field.to_python(cursor.position)
            except DjangoValidationError:
                raise NotFound(self.invalid_cursor_message) from None
        return cursor


class HistoryPagination(NewestFirstPagination):
    """The change history."""

    ordering = ("-pgh_created_at", "-pgh_id")


class AccessLogPagination(NewestFirstPagination):
    """The access log: every read of private data adds to it."""

    ordering = ("-id",)
