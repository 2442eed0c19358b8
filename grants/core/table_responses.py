"""A table (grants.core.tables) downloaded while the reader waits, as CSV or as an Excel
workbook: the one place the two files get their names, types and encodings."""

import itertools
import tempfile

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

from grants.core.tables import csv_lines, write_csv
from grants.core.xlsx import CONTENT_TYPE, write_xlsx

CSV = "csv"
XLSX = "xlsx"
BYTE_ORDER_MARK = "\ufeff"  # so that Excel reads the CSV as UTF-8 and shows Chinese


def table_response(table, file_format, stream=False):
    """``stream``: the CSV is sent as its rows are read (a public download of any length);
    the workbook is always written whole first, as a zip file has its index at the end."""
    if file_format == XLSX:
        # Written to a temporary file rather than held in memory, then streamed from it.
        handle = tempfile.TemporaryFile()
        write_xlsx(handle, table)
        handle.seek(0)
        response = FileResponse(
            handle, as_attachment=True, filename=f"{table.name}.xlsx", content_type=CONTENT_TYPE
        )
    elif stream:
        response = StreamingHttpResponse(
            itertools.chain([BYTE_ORDER_MARK], csv_lines(table)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
        response.write(BYTE_ORDER_MARK)
        write_csv(response, table)
    response["X-Content-Type-Options"] = "nosniff"
    return response
