"""Load reference data (provinces, institutions, discipline codes) from the CSV format in
fixtures/reference/. Re-importing updates rows in place, keyed by their natural keys, so the
fund office can load the full official NSFC list or more institutions at any time."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from grants.models import Discipline, Institution, Province

HEADERS = {
    "provinces": {"code", "name_zh", "name_en", "yrd"},
    "disciplines": {"code", "parent", "name_zh", "name_en"},
    "institutions": {"name_zh", "name_en", "city_en", "province_code", "kind"},
}
# Provinces first (institutions point at them), then disciplines, then institutions.
IMPORT_ORDER = ["provinces", "disciplines", "institutions"]


class ReferenceError(ValueError):
    pass


@dataclass
class ImportReport:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)

    def count(self, kind, created):
        target = self.created if created else self.updated
        target[kind] = target.get(kind, 0) + 1

    def lines(self):
        kinds = sorted(set(self.created) | set(self.updated), key=IMPORT_ORDER.index)
        return [
            f"{kind}: {self.created.get(kind, 0)} created, {self.updated.get(kind, 0)} updated"
            for kind in kinds
        ]


def kind_of(header) -> str:
    for kind, columns in HEADERS.items():
        if columns <= set(header):
            return kind
    raise ReferenceError(f"unrecognised columns {', '.join(header)}")


def read_csv(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return kind_of(reader.fieldnames or []), list(reader)


def import_paths(paths) -> ImportReport:
    """Import every CSV file in ``paths`` (files or folders) in one transaction."""
    tables = {}
    for path in _csv_files(paths):
        kind, rows = read_csv(path)
        tables.setdefault(kind, []).extend(
            (path.name, number, row) for number, row in enumerate(rows, 2)
        )
    report = ImportReport()
    with transaction.atomic():
        for kind in IMPORT_ORDER:
            rows = tables.get(kind, [])
            if kind == "disciplines":
                rows.sort(key=lambda item: (len(item[2]["code"].strip()), item[2]["code"]))
            for filename, number, row in rows:
                try:
                    created = IMPORTERS[kind](row)
                except (KeyError, ValueError) as error:
                    raise ReferenceError(f"{filename} line {number}: {error}") from error
                report.count(kind, created)
    return report


def _csv_files(paths):
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(path.glob("*.csv"))
        elif path.exists():
            yield path
        else:
            raise ReferenceError(f"{path} does not exist")


def _text(row, column, required=True):
    value = (row.get(column) or "").strip()
    if required and not value:
        raise ValueError(f"{column} is empty")
    return value


def import_province(row) -> bool:
    _, created = Province.objects.update_or_create(
        code=_text(row, "code"),
        defaults={
            "name_zh": _text(row, "name_zh"),
            "name_en": _text(row, "name_en"),
            "is_funding": _text(row, "yrd", required=False) == "1",
        },
    )
    return created


def import_discipline(row) -> bool:
    code = _text(row, "code").upper()
    parent_code = _text(row, "parent", required=False).upper()
    if parent_code and not Discipline.objects.filter(code=parent_code).exists():
        raise ValueError(f"parent code {parent_code} of {code} is unknown")
    if parent_code and not code.startswith(parent_code):
        raise ValueError(f"{code} does not lie under its parent {parent_code}")
    _, created = Discipline.objects.update_or_create(
        code=code,
        defaults={
            "parent_id": parent_code or None,
            "name_zh": _text(row, "name_zh"),
            "name_en": _text(row, "name_en"),
        },
    )
    return created


def import_institution(row) -> bool:
    province_code = _text(row, "province_code")
    if not Province.objects.filter(code=province_code).exists():
        raise ValueError(f"province {province_code} is unknown")
    kind = _text(row, "kind", required=False) or Institution.Kind.UNIVERSITY
    if kind not in Institution.Kind.values:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(Institution.Kind.values)}")
    _, created = Institution.objects.update_or_create(
        name_zh=_text(row, "name_zh"),
        defaults={
            "name_en": _text(row, "name_en"),
            "city_en": _text(row, "city_en", required=False),
            "province_id": province_code,
            "kind": kind,
        },
    )
    return created


IMPORTERS = {
    "provinces": import_province,
    "disciplines": import_discipline,
    "institutions": import_institution,
}
