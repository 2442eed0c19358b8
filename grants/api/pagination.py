"""Cursor pagination: pages stay stable while rows are added, and the database seeks to the
cursor by the primary key's index instead of counting past an offset."""

from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
