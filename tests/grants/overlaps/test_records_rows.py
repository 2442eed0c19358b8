"""Row checks of the external-record and shared-instrument files, one case per message, and
the file-level checks; no database (the lookups are given by hand)."""

from decimal import Decimal

import pytest

from grants.overlaps.import_file import ImportFileError, check_file
from grants.overlaps.import_rows import (
    INSTRUMENT_COLUMNS,
    INSTRUMENT_REQUIRED,
    RECORD_COLUMNS,
    RECORD_REQUIRED,
    Lookups,
    check_instrument,
    check_record,
    instrument_key,
    record_key,
)
from tests.grants.overlaps.factories_records import (
    GOOD_ORCID,
    instrument_row,
    instruments_file,
    record_row,
    records_file,
)

PROVINCES = {
    "310000": "310000",
    "上海市": "310000",
    "shanghai": "310000",
    "320000": "320000",
    "江苏省": "320000",
}
ANY = Lookups(provinces=PROVINCES, institutions={"复旦大学": 7, "fudan university": 7})
JIANGSU = Lookups(
    provinces=PROVINCES,
    institutions={},
    scope="320000",
    scope_name="Jiangsu",
    stored_provinces={
        ("江苏省自然科学基金", "SH-OWNED"): "310000",
        ("江苏省自然科学基金", "OURS"): "320000",
        ("YRD-JS-OLD",): "310000",
    },
)
RAW_ID = "110101199003078515"
REQUIRED = "this column is required"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
RAW = "looks like a raw national ID number"

RECORD_CASES = [
    # changes, lookups, column, message
    ({"programme": ""}, ANY, "programme", REQUIRED),
    ({"reference": "  "}, ANY, "reference", REQUIRED),
    ({"pi_name": ""}, ANY, "pi_name", REQUIRED),
    ({"institution": ""}, ANY, "institution", REQUIRED),
    ({"amount": ""}, ANY, "amount", REQUIRED),
    ({"start_year": ""}, ANY, "start_year", REQUIRED),
    ({"end_year": ""}, ANY, "end_year", REQUIRED),
    ({"title_zh": "", "title_en": ""}, ANY, "title_zh", "give the title in Chinese, in English"),
    ({"title_zh": "长" * 301}, ANY, "title_zh", "301 characters, more than the 300 allowed"),
    ({"title_en": "x" * 401}, ANY, "title_en", "401 characters, more than the 400 allowed"),
    ({"abstract_en": "x" * 6001}, ANY, "abstract_en", "more than the 6000 allowed"),
    ({"programme": "p" * 121}, ANY, "programme", "more than the 120 allowed"),
    ({"amount": "abc"}, ANY, "amount", "“abc” is not an amount in yuan"),
    ({"amount": "1e5"}, ANY, "amount", "is not an amount in yuan"),
    ({"amount": "-5"}, ANY, "amount", "the amount cannot be negative"),
    ({"amount": "1.234"}, ANY, "amount", "give the amount to the fen"),
    ({"amount": "1000000000000"}, ANY, "amount", "the amount is too large"),
    ({"start_year": "23"}, ANY, "start_year", "“23” is not a year from 1949 to 2100"),
    ({"end_year": "2200"}, ANY, "end_year", "is not a year from 1949 to 2100"),
    ({"start_year": "2026", "end_year": "2023"}, ANY, "end_year", "comes before the first year"),
    ({"pi_orcid": "0000-0002-1825-0098"}, ANY, "pi_orcid", "check digit is wrong"),
    ({"pi_orcid": "1234"}, ANY, "pi_orcid", "four groups of four characters"),
    ({"pi_id_hash": "abc"}, ANY, "pi_id_hash", "a SHA-256 hash is 64 characters"),
    ({"pi_id_hash": RAW_ID}, ANY, "pi_id_hash", RAW),
    ({"pi_id_hash": "11010119900307851x"}, ANY, "pi_id_hash", RAW),
    ({"pi_name": RAW_ID}, ANY, "pi_name", RAW),
    ({"pi_orcid": RAW_ID.translate(FULL_WIDTH)}, ANY, "pi_orcid", RAW),
    ({"id_number": RAW_ID}, ANY, "id_number", RAW),
    ({"province": "999999"}, ANY, "province", "unknown province “999999”"),
    ({"province": "310000"}, JIANGSU, "province", "you may import rows of Jiangsu only"),
    ({"province": ""}, JIANGSU, "province", "you may import rows of Jiangsu only"),
    (
        {"programme": "江苏省自然科学基金", "reference": "SH-OWNED", "province": "320000"},
        JIANGSU,
        "province",
        "already stored for another province",
    ),
]


@pytest.mark.parametrize("changes, lookups, column, message", RECORD_CASES)
def test_each_bad_record_cell_gets_its_message_on_its_column(changes, lookups, column, message):
    values, errors = check_record(record_row(**changes), lookups)
    assert values is None
    assert any(c == column and message in m for c, m in errors), errors


def test_a_raw_id_number_is_never_repeated_in_the_message():
    _values, errors = check_record(record_row(pi_id_hash=RAW_ID), ANY)
    assert errors and all(RAW_ID not in message for _column, message in errors)


def test_every_error_of_a_row_is_collected_at_once():
    _values, errors = check_record(
        record_row(programme="", amount="x", start_year="y", pi_orcid="1"), ANY
    )
    assert {column for column, _message in errors} == {
        "programme",
        "amount",
        "start_year",
        "pi_orcid",
    }


@pytest.mark.parametrize(
    "changes, field, expected",
    [
        ({}, "amount", Decimal("200000")),
        ({"amount": "１，２００，０００.５０"}, "amount", Decimal("1200000.50")),
        ({"province": ""}, "province_id", None),
        ({"province": "上海市"}, "province_id", "310000"),
        ({"province": "Shanghai"}, "province_id", "310000"),
        ({"institution": "Fudan  University"}, "institution_id", 7),
        ({"institution": "中国科学院上海有机化学研究所"}, "institution_id", None),
        (
            {"institution": "中国科学院上海有机化学研究所"},
            "institution_name",
            "中国科学院上海有机化学研究所",
        ),
        ({"pi_orcid": f"https://orcid.org/{GOOD_ORCID}"}, "pi_orcid", GOOD_ORCID),
        ({"pi_id_hash": "A" * 64}, "pi_id_hash", "a" * 64),
        ({"title_en": ""}, "title_en", ""),
        ({"abstract_zh": "第一段。\r\n第二段。\u200b"}, "abstract_zh", "第一段。\n第二段。"),
        ({"start_year": "２０２３"}, "start_year", 2023),
    ],
)
def test_good_records_are_cleaned(changes, field, expected):
    values, errors = check_record(record_row(**changes), ANY)
    assert errors == []
    assert values[field] == expected


def test_a_provincial_officer_may_update_a_row_of_their_own_province():
    row = record_row(programme="江苏省自然科学基金", reference="OURS", province="320000")
    values, errors = check_record(row, JIANGSU)
    assert errors == [] and values["province_id"] == "320000"


INSTRUMENT_CASES = [
    ({"catalogue_ref": ""}, ANY, "catalogue_ref", REQUIRED),
    ({"name": ""}, ANY, "name", REQUIRED),
    ({"institution": ""}, ANY, "institution", REQUIRED),
    ({"province": ""}, ANY, "province", REQUIRED),
    ({"province": "Mars"}, ANY, "province", "unknown province “Mars”"),
    ({"model": "m" * 201}, ANY, "model", "more than the 200 allowed"),
    ({"model": RAW_ID}, ANY, "model", RAW),
    ({"province": "310000"}, JIANGSU, "province", "you may import rows of Jiangsu only"),
    (
        {"catalogue_ref": "YRD-JS-OLD", "province": "320000"},
        JIANGSU,
        "province",
        "already stored for another province",
    ),
]


@pytest.mark.parametrize("changes, lookups, column, message", INSTRUMENT_CASES)
def test_each_bad_instrument_cell_gets_its_message_on_its_column(changes, lookups, column, message):
    values, errors = check_instrument(instrument_row(**changes), lookups)
    assert values is None
    assert any(c == column and message in m for c, m in errors), errors


def test_a_good_instrument_row():
    values, errors = check_instrument(instrument_row(model=""), ANY)
    assert errors == []
    assert values == {
        "catalogue_ref": "YRD-SH-000001",
        "name": "球差校正透射电子显微镜",
        "model": "",
        "institution_name": "复旦大学",
        "province_id": "310000",
        "institution_id": 7,
    }


# ---- the file --------------------------------------------------------------------------------


def records(data, lookups=ANY):
    return check_file(
        data,
        columns=RECORD_COLUMNS,
        required=RECORD_REQUIRED,
        check=check_record,
        key=record_key,
        lookups=lookups,
    )


def instruments(data):
    return check_file(
        data,
        columns=INSTRUMENT_COLUMNS,
        required=INSTRUMENT_REQUIRED,
        check=check_instrument,
        key=instrument_key,
        lookups=ANY,
    )


@pytest.mark.parametrize("bom", [False, True])
def test_a_file_with_or_without_a_byte_order_mark(bom):
    checked = records(records_file(record_row(), record_row(reference="B"), bom=bom))
    assert checked.ok and [number for number, _values in checked.rows] == [2, 3]


def test_problems_carry_spreadsheet_row_numbers_and_blank_rows_count():
    data = records_file(
        record_row(),
        record_row(reference="", amount="x"),
        {},
        record_row(reference="C", end_year="1"),
    )
    checked = records(data)
    assert not checked.ok
    assert {(p.row, p.column) for p in checked.problems} == {
        (3, "reference"),
        (3, "amount"),
        (5, "end_year"),
    }


def test_a_repeated_key_is_a_problem_on_the_later_row():
    checked = instruments(instruments_file(instrument_row(), instrument_row(name="again")))
    assert [(p.row, p.column, p.message) for p in checked.problems] == [
        (3, "catalogue_ref", "this row repeats row 2")
    ]
    checked = records(records_file(record_row(), record_row(title_en="again")))
    assert [(p.row, p.column) for p in checked.problems] == [(3, "reference")]


def test_a_row_with_more_fields_than_the_header():
    data = b"catalogue_ref,name,institution,province\nA,TEM,Fudan,310000,extra\n"
    checked = instruments(data)
    assert [p.message for p in checked.problems] == [
        "the row has more fields than the header: put values that contain commas in double quotes"
    ]


def test_optional_columns_may_be_left_out_and_header_names_are_case_blind():
    data = b"Catalogue_Ref, NAME ,institution,province\nA,TEM,\xe5\xa4\x8d\xe6\x97\xa6\xe5\xa4\xa7\xe5\xad\xa6,310000\n"
    checked = instruments(data)
    assert checked.ok and checked.rows[0][1]["institution_id"] == 7


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "The file is empty."),
        ("catalogue_ref,name\n".encode("gb18030"), "missing: institution, province"),
        ("名称,型号\n仪器,x\n".encode("gb18030"), "The file is not UTF-8 text."),
        (
            b"catalogue_ref,name,institution,province,name\n",
            "The first line names these columns twice: name.",
        ),
        (b"catalogue_ref,name,institution,province\n,,,\n", "The file has no rows below"),
        (b'catalogue_ref,name,institution,province\n"A,B\n', "not a readable CSV file"),
    ],
)
def test_files_that_cannot_be_read_say_why(data, message):
    with pytest.raises(ImportFileError) as error:
        instruments(data)
    assert message in error.value.message


def test_a_file_too_large_for_the_page():
    with pytest.raises(ImportFileError, match="larger than"):
        check_file(
            b"x" * (1024 * 1024 + 1),
            columns=INSTRUMENT_COLUMNS,
            required=INSTRUMENT_REQUIRED,
            check=check_instrument,
            key=instrument_key,
            lookups=ANY,
            max_bytes=1024 * 1024,
        )


def test_the_examples_in_the_docs_are_good_files():
    from django.conf import settings

    text = (settings.BASE_DIR / "docs" / "overlaps.md").read_text()
    blocks = [block.split("```")[0] for block in text.split("```csv\n")[1:]]
    assert len(blocks) == 2
    checked = records(blocks[0].encode())
    assert checked.ok, checked.problems
    lookups = Lookups(
        provinces={**PROVINCES, "安徽省": "340000"},
        institutions={"university of science and technology of china": 3},
    )
    checked = check_file(
        blocks[1].encode(),
        columns=INSTRUMENT_COLUMNS,
        required=INSTRUMENT_REQUIRED,
        check=check_instrument,
        key=instrument_key,
        lookups=lookups,
    )
    assert checked.ok, checked.problems
    assert checked.rows[1][1]["institution_id"] == 3
