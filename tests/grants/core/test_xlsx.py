"""The workbook writer (grants/core/xlsx.py), read back with openpyxl, and the CSV writer of
the same table definition (grants/core/tables.py)."""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from grants.core.tables import (
    DATE,
    INTEGER,
    MINUTE,
    MONEY,
    NAMES,
    NUMBER,
    SECOND,
    TEXT,
    Column,
    Table,
    csv_lines,
    write_csv,
)
from grants.core.xlsx import MONEY_FORMAT, sheet_name, write_xlsx

BEIJING = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 3, 1, 9, 30, 15, tzinfo=BEIJING)

COLUMNS = (
    Column("编号", key="reference"),
    Column("省份", NAMES, key="provinces"),
    Column("金额", MONEY, key="amount"),
    Column("评分", NUMBER, key="score"),
    Column("提交时间", MINUTE, key="submitted"),
    Column("记录时间", SECOND, key="at"),
)
ROWS = [
    ["P-1", ["上海", "江苏"], Decimal("1234567.50"), Decimal("4.25"), AT, AT],
    ['=HYPERLINK("http://x")', ["浙江"], Decimal("0.00"), None, None, AT],
]


def table(**extra):
    return Table(name="t", columns=COLUMNS, rows=iter(ROWS), **extra)


def workbook(tab):
    out = io.BytesIO()
    write_xlsx(out, tab)
    out.seek(0)
    return openpyxl.load_workbook(out)


def test_headers_are_bold_frozen_and_filtered():
    sheet = workbook(table()).active
    assert [cell.value for cell in sheet[1]] == [column.header for column in COLUMNS]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F3"


@pytest.mark.parametrize(
    ("cell", "value", "number_format"),
    [
        ("C2", 1234567.5, MONEY_FORMAT),
        ("C3", 0, MONEY_FORMAT),
        ("D2", 4.25, "0.00"),
        ("E2", datetime(2026, 3, 1, 9, 30, 15), "yyyy-mm-dd hh:mm"),
        ("F2", datetime(2026, 3, 1, 9, 30, 15), "yyyy-mm-dd hh:mm:ss"),
        ("B2", "上海; 江苏", "General"),
    ],
)
def test_cells_are_typed(cell, value, number_format):
    got = workbook(table()).active[cell]
    assert got.value == value
    assert type(got.value) is type(value)
    assert got.number_format == number_format


def test_the_money_format_shows_yuan_with_thousands():
    assert "¥" in MONEY_FORMAT and "#,##0.00" in MONEY_FORMAT


def test_an_empty_value_is_an_empty_cell():
    sheet = workbook(table()).active
    assert sheet["D3"].value is None and sheet["E3"].value is None


def test_text_that_looks_like_a_formula_stays_text():
    cell = workbook(table()).active["A3"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.quotePrefix


def test_a_sheet_per_name_after_the_sheet_of_all_rows():
    book = workbook(table(sheet_column=1, sheets=lambda: ["安徽", "江苏", "上海"]))
    assert book.sheetnames == ["All", "安徽", "江苏", "上海", "浙江"]
    assert [row[0].value for row in book["上海"].iter_rows(min_row=2)] == ["P-1"]
    assert [row[0].value for row in book["浙江"].iter_rows(min_row=2)] == [ROWS[1][0]]
    assert book["安徽"].max_row == 1  # its header only
    assert book["江苏"].freeze_panes == "A2"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("上海", "上海"),
        ("a/b:c", "a b c"),
        ("x" * 40, "x" * 31),
        ("'", "-"),
    ],
)
def test_sheet_names_are_ones_excel_accepts(name, expected):
    assert sheet_name(name) == expected


def test_the_csv_of_the_same_table():
    out = io.StringIO()
    write_csv(out, table())
    assert out.getvalue().splitlines() == [
        "编号,省份,金额,评分,提交时间,记录时间",
        "P-1,上海; 江苏,1234567.50,4.25,2026-03-01 09:30,2026-03-01 09:30:15",
        '"\'=HYPERLINK(""http://x"")",浙江,0.00,,,2026-03-01 09:30:15',
    ]


def test_a_machine_read_csv_is_headed_by_keys():
    out = io.StringIO()
    write_csv(out, table(key_headers=True))
    assert out.getvalue().splitlines()[0] == "reference,provinces,amount,score,submitted,at"


def test_text_columns_are_the_default():
    assert Column("x").kind == TEXT


def test_whole_numbers_and_dates_are_typed_cells_and_plain_csv_text():
    columns = (Column("年度", INTEGER), Column("开始", DATE))
    rows = [[2026, date(2026, 3, 1)], [None, None]]
    sheet = workbook(Table(name="d", columns=columns, rows=iter(rows))).active
    assert (sheet["A2"].value, sheet["A2"].number_format) == (2026, "0")
    assert (sheet["B2"].value, sheet["B2"].number_format) == (datetime(2026, 3, 1), "yyyy-mm-dd")
    assert sheet["A3"].value is None and sheet["B3"].value is None
    streamed = "".join(csv_lines(Table(name="d", columns=columns, rows=iter(rows))))
    assert streamed.splitlines() == ["年度,开始", "2026,2026-03-01", ","]
