"""The tables the portal exports, defined once for both of their files: the CSV
(``write_csv``) and the Excel workbook (grants.core.xlsx). A table names its columns and the
kind of value each holds; its rows hold typed values (Decimal amounts, aware datetimes, lists of
names), and each writer turns a kind into its own cells, so the two files never drift apart."""

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone

from grants.core.csv_cells import csv_safe

TEXT = "text"
MONEY = "money"  # a Decimal in yuan
NUMBER = "number"  # a Decimal already rounded for reading (a score)
MINUTE = "minute"  # an aware datetime, read to the minute in Beijing time
SECOND = "second"  # an aware datetime, read to the second
NAMES = "names"  # a list of names (a proposal's provinces)
INTEGER = "integer"  # a whole number (a year, months)
DATE = "date"  # a date, no time of day

NAMES_SEPARATOR = "; "
TIME_FORMATS = {MINUTE: "%Y-%m-%d %H:%M", SECOND: "%Y-%m-%d %H:%M:%S"}


@dataclass(frozen=True)
class Column:
    header: str  # in the reader's language
    kind: str = TEXT
    key: str = ""  # the fixed name a machine-read CSV heads the column with
    width: int = 16  # in characters, in the workbook


@dataclass
class Table:
    """``rows`` yields one sequence of values per row, in the order of ``columns``.
    ``sheet_column`` (the index of a NAMES column) puts each row, after the sheet of all rows,
    also on a sheet per name it holds; ``sheets()`` gives those sheets' names, in order, when they
    are known before the rows are read (asked by the workbook only: the CSV costs no query)."""

    name: str  # the file's name without its extension
    columns: Sequence[Column]
    rows: Iterable[Sequence]
    total: int | None = None  # how many rows, when known before they are read
    sheet_column: int | None = None
    sheets: Callable[[], Iterable[str]] | None = None
    key_headers: bool = False  # head the CSV with the columns' keys (read by finance systems)


def local_time(moment):
    """An aware datetime as Beijing wall-clock time without a zone, as spreadsheets hold it."""
    return timezone.localtime(moment).replace(tzinfo=None)


def csv_cell(kind, value):
    if value is None:
        return ""
    if kind == MONEY:
        return f"{value:.2f}"
    if kind in (NUMBER, INTEGER):
        return str(value)
    if kind == DATE:
        return value.isoformat()
    if kind in TIME_FORMATS:
        return local_time(value).strftime(TIME_FORMATS[kind])
    if kind == NAMES:
        return csv_safe(NAMES_SEPARATOR.join(value))
    return csv_safe(value)


def _header(table: Table):
    return [column.key if table.key_headers else column.header for column in table.columns]


def _cells(table: Table, row):
    kinds = (column.kind for column in table.columns)
    return [csv_cell(kind, value) for kind, value in zip(kinds, row, strict=True)]


def write_csv(out, table: Table, progress: Callable[[int], None] | None = None):
    """``table`` as CSV on the text stream ``out``; ``progress(rows written)`` is told along
    the way (background exports, reviews.exports)."""
    writer = csv.writer(out)
    writer.writerow(_header(table))
    for count, row in enumerate(table.rows, 1):
        writer.writerow(_cells(table, row))
        if progress:
            progress(count)


class _Line:
    """A file for csv.writer that hands each line back instead of keeping it."""

    def write(self, value):
        return value


def csv_lines(table: Table):
    """``table`` as CSV, a line at a time, for a response sent while its rows are read."""
    writer = csv.writer(_Line())
    yield writer.writerow(_header(table))
    for row in table.rows:
        yield writer.writerow(_cells(table, row))
