"""Cursor pagination: pages stay stable while rows are added, and the database seeks to the
cursor by the primary key's index instead of counting past an offset."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_cursor_message = _("This cursor is not one the API gave out.")

    def decode_cursor(self, request):
        # A cursor that was never ours is bad input (400), not a missing page (DRF's 404).
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise ValidationError({self.cursor_query_param: [str(error.detail)]}) from error
