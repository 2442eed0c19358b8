"""Rows and files for the import tests of other funders' records and shared instruments."""

import csv
import io

from grants.overlaps.import_rows import INSTRUMENT_COLUMNS, RECORD_COLUMNS

GOOD_ORCID = "0000-0002-1825-0097"
GOOD_HASH = "a" * 64


def record_row(**changes):
    row = {
        "programme": "上海市自然科学基金",
        "province": "310000",
        "reference": "23ZR1400001",
        "title_zh": "固态电池界面调控",
        "title_en": "Interfaces in solid-state batteries",
        "abstract_zh": "研究固态电池界面。",
        "abstract_en": "We study interfaces.",
        "pi_name": "张三",
        "pi_orcid": GOOD_ORCID,
        "pi_id_hash": GOOD_HASH,
        "institution": "复旦大学",
        "amount": "200000",
        "start_year": "2023",
        "end_year": "2026",
    }
    row.update(changes)
    return row


def instrument_row(**changes):
    row = {
        "catalogue_ref": "YRD-SH-000001",
        "name": "球差校正透射电子显微镜",
        "model": "Thermo Fisher Themis Z",
        "institution": "复旦大学",
        "province": "310000",
    }
    row.update(changes)
    return row


def csv_bytes(rows, columns=None, *, bom=False):
    """``rows`` (dicts) as the bytes of a UTF-8 CSV file with a header line."""
    columns = columns or list(rows[0])
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def records_file(*rows, bom=False):
    return csv_bytes(list(rows) or [record_row()], list(RECORD_COLUMNS), bom=bom)


def instruments_file(*rows, bom=False):
    return csv_bytes(list(rows) or [instrument_row()], list(INSTRUMENT_COLUMNS), bom=bom)
