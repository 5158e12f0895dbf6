"""Pagination of the API lists: numbered pages, or a cursor for the logs that grow without end."""

from rest_framework.pagination import CursorPagination, PageNumberPagination


class StandardPagination(PageNumberPagination):
    """Pages of 50 by default; `page_size` up to 500."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class NewestFirstPagination(CursorPagination):
    """A log, newest first, page after page from a cursor: no count of every entry ever written, and the hundredth
    page costs what the first does. Pages of 50 by default; `page_size` up to 500."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class HistoryPagination(NewestFirstPagination):
    """The change history."""

    ordering = ("-pgh_created_at", "-pgh_id")


class AccessLogPagination(NewestFirstPagination):
    """The access log: every read of private data adds to it."""

    ordering = ("-id",)
