"""Reading a catalogue CSV file: UTF-8 with or without a byte-order mark, a header line naming
the columns, then one row per record. Every row is checked (grants.overlaps.import_rows) and
every problem collected with its row number and column, so the whole file can be corrected at
once; nothing is written here."""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be read (size, encoding, columns); no row was looked at."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    message: str


@dataclass
class Checked:
    rows: list = field(default_factory=list)  # (row number, values)
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems


def decode(data: bytes, max_bytes=None) -> str:
    if max_bytes is not None and len(data) > max_bytes:
        raise ImportFileError(
            _("The file is larger than %(size)d MB: split it into several files.")
            % {"size": max_bytes // (1024 * 1024)}
        )
    try:
        # utf-8-sig drops the byte-order mark Excel writes at the start of "CSV UTF-8".
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (comma delimited)”.")
        ) from error


def header(reader, columns, required):
    names = next(reader, None)
    if not names or not any(name.strip() for name in names):
        raise ImportFileError(_("The file is empty."))
    names = [name.strip().lower() for name in names]
    missing = [column for column in required if column not in names]
    if missing:
        raise ImportFileError(
            _("The first line must name the columns %(columns)s; missing: %(missing)s.")
            % {"columns": ",".join(columns), "missing": ", ".join(missing)}
        )
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        raise ImportFileError(
            _("The first line names these columns twice: %(columns)s.")
            % {"columns": ", ".join(repeated)}
        )
    return names


def check_file(
    data: bytes, *, columns, required, check, key, lookups, max_bytes=MAX_IMPORT_BYTES
) -> Checked:
    """Every row of ``data`` through ``check(cells, lookups)``; a row whose ``key`` repeats an
    earlier row's is a problem too. Raises ImportFileError for an unreadable file, or one
    larger than ``max_bytes`` (None: any size, for the commands)."""
    reader = csv.reader(io.StringIO(decode(data, max_bytes), newline=""), strict=True)
    checked, seen = Checked(), {}
    try:
        names = header(reader, columns, required)
        for number, cells in enumerate(reader, 2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(names) and any(cell.strip() for cell in cells[len(names) :]):
                checked.problems.append(
                    Problem(
                        number,
                        "",
                        _(
                            "the row has more fields than the header: put values that "
                            "contain commas in double quotes"
                        ),
                    )
                )
                continue
            # Every column, the unknown ones too: a raw ID number is refused wherever it is.
            values = {
                name or f"#{i + 1}": cell
                for i, (name, cell) in enumerate(zip(names, cells, strict=False))
            }
            cleaned, errors = check(values, lookups)
            checked.problems.extend(Problem(number, column, message) for column, message in errors)
            if cleaned is None:
                continue
            row_key = key(cleaned)
            if row_key in seen:
                checked.problems.append(
                    Problem(
                        number,
                        columns[0] if len(row_key) == 1 else "reference",
                        _("this row repeats row %(row)d") % {"row": seen[row_key]},
                    )
                )
                continue
            seen[row_key] = number
            checked.rows.append((number, cleaned))
    except csv.Error as error:
        raise ImportFileError(
            _(
                "The file is not a readable CSV file near line %(line)d: look for a double "
                "quote that is not closed, or one inside a value that is not in quotes."
            )
            % {"line": reader.line_num}
        ) from error
    if not checked.rows and not checked.problems:
        raise ImportFileError(_("The file has no rows below its header line."))
    return checked
