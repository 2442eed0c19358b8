"""The checks of one row of the two catalogue files the fund office imports: other funders'
records (ExternalRecord) and the shared large-instrument catalogue (SharedInstrument).

Plain values in, plain values out: a row is a dict of column → text, the lookups it needs
(provinces, institutions, the importer's province) come in a Lookups, and the answer is the
row's cleaned values or the list of (column, message) that is wrong with it. No database; the
file reading is in grants.overlaps.import_file, the writing in grants.overlaps.records_import.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from grants.core import limits
from grants.core.money import AMOUNT_NEGATIVE, AmountError, parse_amount
from grants.core.validators import display_text, validate_orcid

RECORD_COLUMNS = (
    "programme",
    "province",
    "reference",
    "title_zh",
    "title_en",
    "abstract_zh",
    "abstract_en",
    "pi_name",
    "pi_orcid",
    "pi_id_hash",
    "institution",
    "amount",
    "start_year",
    "end_year",
)
RECORD_REQUIRED = (
    "programme",
    "reference",
    "pi_name",
    "institution",
    "amount",
    "start_year",
    "end_year",
)
INSTRUMENT_COLUMNS = ("catalogue_ref", "name", "model", "institution", "province")
INSTRUMENT_REQUIRED = ("catalogue_ref", "name", "institution", "province")

# Lengths of the model's columns (grants/models/overlaps.py).
MAX_LENGTH = {
    "programme": 120,
    "reference": 60,
    "title_zh": 300,
    "title_en": 400,
    "abstract_zh": limits.EXTERNAL_ABSTRACT,
    "abstract_en": limits.EXTERNAL_ABSTRACT,
    "pi_name": 100,
    "institution": 200,
    "catalogue_ref": 60,
    "name": 200,
    "model": 200,
}
# A resident identity card number (GB 11643): 17 digits and a check digit or X. It must never
# reach the portal; the funder sends its SHA-256 instead.
NATIONAL_ID = re.compile(r"[1-9]\d{16}[\dX]")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
ORCID_URL = re.compile(r"^https?://(www\.)?orcid\.org/", re.IGNORECASE)
# What a DecimalField(max_digits=14, decimal_places=2) holds.
MAX_AMOUNT = Decimal("999999999999.99")
FIRST_YEAR, LAST_YEAR = 1949, 2100


@dataclass(frozen=True)
class Lookups:
    """What the checks look up, read once per file by the caller."""

    # A province's code, Chinese or English name (folded by ``fold``) → its code.
    provinces: Mapping[str, str] = field(default_factory=dict)
    # An institution's Chinese or English name (folded) → its primary key.
    institutions: Mapping[str, int] = field(default_factory=dict)
    # The one province a provincial officer imports for (its code), or None: any.
    scope: str | None = None
    scope_name: str = ""
    # The province code (or None) of rows already stored, by their key.
    stored_provinces: Mapping[tuple, str | None] = field(default_factory=dict)


def fold(text: str) -> str:
    """A name as lookups compare it: width and case folded, spaces single."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def refused_national_ids(cells: Mapping[str, str]) -> list:
    """Every cell, in any column, that holds a raw identity card number. The message never
    repeats the number."""
    return [
        (
            column,
            _(
                "this looks like a raw national ID number, which the portal never stores: "
                "give its SHA-256 hash in pi_id_hash instead"
            ),
        )
        for column, value in cells.items()
        if _looks_like_national_id(value or "")
    ]


def _looks_like_national_id(value: str) -> bool:
    # Long texts (abstracts) are no ID number; skip normalising them.
    return len(value) < 40 and bool(
        NATIONAL_ID.fullmatch(unicodedata.normalize("NFKC", value).strip().upper())
    )


def check_record(cells: Mapping[str, str], lookups: Lookups):
    """One row of an external-records file: (values, errors), values None when errors."""
    errors = refused_national_ids(cells)
    refused = {column for column, _message in errors}
    row = _Row(cells, errors, refused)
    values = {
        "programme": row.line("programme", required=True),
        "reference": row.line("reference", required=True),
        "title_zh": row.line("title_zh"),
        "title_en": row.line("title_en"),
        "abstract_zh": row.text("abstract_zh"),
        "abstract_en": row.text("abstract_en"),
        "pi_name": row.line("pi_name", required=True),
        "pi_orcid": row.orcid("pi_orcid"),
        "pi_id_hash": row.id_hash("pi_id_hash"),
        "institution_name": row.line("institution", required=True),
        "amount": row.amount("amount"),
        "start_year": row.year("start_year"),
        "end_year": row.year("end_year"),
    }
    if not values["title_zh"] and not values["title_en"] and "title_zh" not in refused:
        errors.append(("title_zh", _("give the title in Chinese, in English or in both")))
    start, end = values["start_year"], values["end_year"]
    if start and end and end < start:
        errors.append(("end_year", _("the last year comes before the first year")))
    values["province_id"] = row.province("province", lookups, required=False)
    key = (values["programme"], values["reference"])
    _check_scope(row, lookups, values["province_id"], key, "province")
    values["institution_id"] = lookups.institutions.get(fold(values["institution_name"]))
    return (None if errors else values), errors


def check_instrument(cells: Mapping[str, str], lookups: Lookups):
    """One row of a shared-instrument file: (values, errors), values None when errors."""
    errors = refused_national_ids(cells)
    row = _Row(cells, errors, {column for column, _message in errors})
    values = {
        "catalogue_ref": row.line("catalogue_ref", required=True),
        "name": row.line("name", required=True),
        "model": row.line("model"),
        "institution_name": row.line("institution", required=True),
    }
    values["province_id"] = row.province("province", lookups, required=True)
    _check_scope(row, lookups, values["province_id"], (values["catalogue_ref"],), "province")
    values["institution_id"] = lookups.institutions.get(fold(values["institution_name"]))
    return (None if errors else values), errors


def record_key(values):
    return (values["programme"], values["reference"])


def instrument_key(values):
    return (values["catalogue_ref"],)


def _check_scope(row, lookups, province, key, column):
    """A provincial officer imports rows of their own province only, and does not take over a
    row another province (or a national funder) imported before."""
    if lookups.scope is None or column in row.refused or row.failed(column):
        return
    if province != lookups.scope:
        row.error(
            column,
            _("you may import rows of %(province)s only") % {"province": lookups.scope_name},
        )
    elif key in lookups.stored_provinces and lookups.stored_provinces[key] != lookups.scope:
        row.error(
            column,
            _(
                "this row is already stored for another province; "
                "only the fund office may change it"
            ),
        )


class _Row:
    """The cells of one row and the errors found in them so far."""

    def __init__(self, cells, errors, refused):
        self.cells, self.errors, self.refused = cells, errors, refused

    def error(self, column, message):
        self.errors.append((column, message))

    def failed(self, column):
        return any(name == column for name, _message in self.errors)

    def raw(self, column):
        return "" if column in self.refused else (self.cells.get(column) or "")

    def line(self, column, required=False):
        value = display_text(self.raw(column))
        if required and not value and column not in self.refused:
            self.error(column, _("this column is required"))
        return self._bounded(column, value)

    def text(self, column):
        # Abstracts keep their paragraphs; other invisible characters go.
        value = unicodedata.normalize("NFC", self.raw(column)).replace("\r\n", "\n").strip()
        # Most abstracts hold nothing to drop; isprintable() says so without a loop in Python.
        if not value.replace("\n", "").replace("\t", "").isprintable():
            value = "".join(
                ch
                for ch in value
                if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
            )
        return self._bounded(column, value)

    def _bounded(self, column, value):
        most = MAX_LENGTH[column]
        if len(value) > most:
            self.error(
                column,
                _("%(length)d characters, more than the %(most)d allowed")
                % {"length": len(value), "most": most},
            )
        return value

    def orcid(self, column):
        value = ORCID_URL.sub("", display_text(self.raw(column))).upper()
        if value:
            try:
                validate_orcid(value)
            except ValidationError as error:
                self.error(column, " ".join(error.messages))
        return value

    def id_hash(self, column):
        value = display_text(self.raw(column)).lower()
        if value and not SHA256_HEX.fullmatch(value):
            self.error(
                column,
                _("a SHA-256 hash is 64 characters 0–9 and a–f; this is not one"),
            )
        return value

    def amount(self, column):
        text = self.raw(column)
        if not text.strip():
            if column not in self.refused:
                self.error(column, _("this column is required"))
            return None
        try:
            value = parse_amount(text)
        except AmountError as error:
            if error.code == AMOUNT_NEGATIVE:
                self.error(column, _("the amount cannot be negative"))
            else:
                self.error(
                    column,
                    _("“%(value)s” is not an amount in yuan, such as 1200000 or 1,200,000.00")
                    % {"value": text.strip()},
                )
            return None
        if value.as_tuple().exponent < -2:
            self.error(column, _("give the amount to the fen: at most two decimals"))
            return None
        if value > MAX_AMOUNT:
            self.error(column, _("the amount is too large"))
            return None
        return value

    def year(self, column):
        text = unicodedata.normalize("NFKC", self.raw(column)).strip()
        if not text:
            if column not in self.refused:
                self.error(column, _("this column is required"))
            return None
        if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
            self.error(
                column,
                _("“%(value)s” is not a year from %(first)d to %(last)d")
                % {"value": text, "first": FIRST_YEAR, "last": LAST_YEAR},
            )
            return None
        return int(text)

    def province(self, column, lookups, required):
        text = display_text(self.raw(column))
        if not text:
            if required and column not in self.refused:
                self.error(column, _("this column is required"))
            return None
        code = lookups.provinces.get(fold(text))
        if code is None:
            self.error(
                column,
                _(
                    "unknown province “%(value)s”: give its code (310000 Shanghai, 320000 "
                    "Jiangsu, 330000 Zhejiang, 340000 Anhui) or its name"
                )
                % {"value": text},
            )
        return code
