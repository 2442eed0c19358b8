"""Excel workbooks of the tables the portal exports (grants.core.tables): typed cells (amounts
as numbers shown in yuan, times as dates), a bold frozen header with filters, and optionally a
sheet per province.

XlsxWriter's constant-memory mode writes each row to disk as it comes, so a list of tens of
thousands of proposals never sits in memory whole; rows must then be written top to bottom,
which is how the tables yield them."""

import re
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _

from grants.core.csv_cells import looks_like_formula
from grants.core.tables import (
    DATE,
    INTEGER,
    MINUTE,
    MONEY,
    NAMES,
    NAMES_SEPARATOR,
    NUMBER,
    SECOND,
    local_time,
)

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = '"¥"#,##0.00'
NUMBER_FORMAT = "0.00"
INTEGER_FORMAT = "0"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMATS = {MINUTE: "yyyy-mm-dd hh:mm", SECOND: "yyyy-mm-dd hh:mm:ss"}
# Excel refuses sheet names longer than this or holding any of these characters.
SHEET_NAME_LENGTH = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# The most characters Excel keeps in a cell.
CELL_LENGTH = 32767


def write_xlsx(out, table, progress=None):
    """``table`` as a workbook on the binary file ``out``; ``progress(rows written)`` is told
    along the way, as for the CSV."""
    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            # Text is text: never read as a formula, a number or a link.
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    book = _Book(workbook, table)
    for name in table.sheets() if table.sheets else ():
        book.sheet(name)
    for count, row in enumerate(table.rows, 1):
        book.write(row)
        if progress:
            progress(count)
    book.finish()
    workbook.close()


class _Book:
    def __init__(self, workbook, table):
        self.workbook = workbook
        self.table = table
        self.formats = {
            "header": workbook.add_format({"bold": True}),
            MONEY: workbook.add_format({"num_format": MONEY_FORMAT}),
            NUMBER: workbook.add_format({"num_format": NUMBER_FORMAT}),
            INTEGER: workbook.add_format({"num_format": INTEGER_FORMAT}),
            DATE: workbook.add_format({"num_format": DATE_FORMAT}),
            "formula_like": workbook.add_format({"quote_prefix": True}),
            **{kind: workbook.add_format({"num_format": f}) for kind, f in TIME_FORMATS.items()},
        }
        self.all_rows = self._add_sheet(_("All") if table.sheet_column is not None else "")
        self.sheets = {}

    def sheet(self, name):
        if name not in self.sheets:
            self.sheets[name] = self._add_sheet(self._unique(sheet_name(name)))
        return self.sheets[name]

    def _unique(self, name):
        taken = {sheet.worksheet.name for sheet in [self.all_rows, *self.sheets.values()]}
        candidate, number = name, 2
        while candidate in taken:
            suffix = f" ({number})"
            candidate, number = name[: SHEET_NAME_LENGTH - len(suffix)] + suffix, number + 1
        return candidate

    def _add_sheet(self, name):
        worksheet = self.workbook.add_worksheet(name or None)
        for index, column in enumerate(self.table.columns):
            worksheet.set_column(index, index, column.width)
            worksheet.write_string(0, index, column.header, self.formats["header"])
        worksheet.freeze_panes(1, 0)
        return _Sheet(worksheet)

    def write(self, row):
        self.all_rows.write(row, self)
        if self.table.sheet_column is not None:
            for name in row[self.table.sheet_column]:
                self.sheet(name).write(row, self)

    def cell(self, worksheet, at, index, value):
        kind = self.table.columns[index].kind
        if value is None:
            return
        if kind in (MONEY, NUMBER, INTEGER):
            worksheet.write_number(*at, float(Decimal(value)), self.formats[kind])
        elif kind == DATE:
            worksheet.write_datetime(*at, value, self.formats[kind])
        elif kind in TIME_FORMATS:
            worksheet.write_datetime(*at, local_time(value), self.formats[kind])
        else:
            text = NAMES_SEPARATOR.join(value) if kind == NAMES else str(value)
            if not text:
                return  # left blank, as filters expect of an empty cell
            # Shown as typed, and kept text even if someone edits the cell.
            style = self.formats["formula_like"] if looks_like_formula(text) else None
            worksheet.write_string(*at, text[:CELL_LENGTH], style)

    def finish(self):
        last_column = len(self.table.columns) - 1
        for sheet in [self.all_rows, *self.sheets.values()]:
            sheet.worksheet.autofilter(0, 0, max(sheet.rows, 1), last_column)


class _Sheet:
    def __init__(self, worksheet):
        self.worksheet = worksheet
        self.rows = 0

    def write(self, row, book):
        self.rows += 1
        for index, value in enumerate(row):
            book.cell(self.worksheet, (self.rows, index), index, value)


def sheet_name(name):
    """``name`` as Excel allows a sheet to be named."""
    cleaned = SHEET_NAME_FORBIDDEN.sub(" ", str(name)).strip().strip("'")
    return cleaned[:SHEET_NAME_LENGTH] or "-"
