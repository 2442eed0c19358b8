"""A table (grants.core.tables) downloaded while the reader waits, as CSV or as an Excel
workbook: the one place the two files get their names, types and encodings."""

import tempfile

from django.http import FileResponse, HttpResponse

from grants.core.tables import write_csv
from grants.core.xlsx import CONTENT_TYPE, write_xlsx

CSV = "csv"
XLSX = "xlsx"
BYTE_ORDER_MARK = "\ufeff"  # so that Excel reads the CSV as UTF-8 and shows Chinese


def table_response(table, file_format):
    if file_format == XLSX:
        # Written to a temporary file rather than held in memory, then streamed from it.
        handle = tempfile.TemporaryFile()
        write_xlsx(handle, table)
        handle.seek(0)
        response = FileResponse(
            handle, as_attachment=True, filename=f"{table.name}.xlsx", content_type=CONTENT_TYPE
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
        response.write(BYTE_ORDER_MARK)
        write_csv(response, table)
    response["X-Content-Type-Options"] = "nosniff"
    return response
