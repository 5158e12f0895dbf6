"""Pagination of the API lists: numbered pages, or a cursor for the change history."""

from rest_framework.pagination import CursorPagination, PageNumberPagination


class StandardPagination(PageNumberPagination):
    """Pages of 50 by default; `page_size` up to 500."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class HistoryPagination(CursorPagination):
    """The change history, newest first, page after page from a cursor: no count of every change ever made, and
    the hundredth page costs what the first does."""

    ordering = ("-pgh_created_at", "-pgh_id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
