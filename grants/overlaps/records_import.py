"""Importing other funders' records (ExternalRecord) and the shared large-instrument catalogue
(SharedInstrument) from CSV, as the fund office's page, a provincial officer's page and the
management commands do. The formats are in docs/overlaps.md.

Every row is checked before any is written: a file with one bad row imports nothing. Rows
are matched to what is stored by their key, (programme, reference) for records and the
catalogue number for instruments, so importing a corrected or newer file updates in place."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from grants.core.audit import record
from grants.models import Institution, Province
from grants.models.overlaps import ExternalRecord, SharedInstrument
from grants.overlaps import import_rows
from grants.overlaps.import_file import Checked, ImportFileError, check_file

__all__ = ["ImportFileError", "Checked", "ImportResult", "FORMATS", "import_check", "import_save"]

BATCH = 500


@dataclass(frozen=True)
class Format:
    kind: str
    model: type
    columns: tuple
    required: tuple
    check: object
    key: object
    key_fields: tuple


FORMATS = {
    "records": Format(
        kind="records",
        model=ExternalRecord,
        columns=import_rows.RECORD_COLUMNS,
        required=import_rows.RECORD_REQUIRED,
        check=import_rows.check_record,
        key=import_rows.record_key,
        key_fields=("programme", "reference"),
    ),
    "instruments": Format(
        kind="instruments",
        model=SharedInstrument,
        columns=import_rows.INSTRUMENT_COLUMNS,
        required=import_rows.INSTRUMENT_REQUIRED,
        check=import_rows.check_instrument,
        key=import_rows.instrument_key,
        key_fields=("catalogue_ref",),
    ),
}


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int

    @property
    def total(self):
        return self.created + self.updated


def lookups(fmt: Format, scope: str | None) -> import_rows.Lookups:
    provinces, scope_name = {}, ""
    for province in Province.objects.all():
        for name in (province.code, province.name_zh, province.name_en):
            provinces[import_rows.fold(name)] = province.code
        if province.code == scope:
            scope_name = province.name
    institutions = {}
    for pk, name_zh, name_en in Institution.objects.values_list("pk", "name_zh", "name_en"):
        institutions.setdefault(import_rows.fold(name_zh), pk)
        institutions.setdefault(import_rows.fold(name_en), pk)
    stored = {}
    if scope is not None:
        stored = {
            tuple(values[:-1]): values[-1]
            for values in fmt.model.objects.values_list(*fmt.key_fields, "province_id")
        }
    return import_rows.Lookups(
        provinces=provinces,
        institutions=institutions,
        scope=scope,
        scope_name=scope_name,
        stored_provinces=stored,
    )


def import_check(kind: str, data: bytes, *, scope: str | None) -> Checked:
    """Every row of an uploaded file checked; raises ImportFileError for an unreadable one."""
    fmt = FORMATS[kind]
    return check_file(
        data,
        columns=fmt.columns,
        required=fmt.required,
        check=fmt.check,
        key=fmt.key,
        lookups=lookups(fmt, scope),
    )


@transaction.atomic
def import_save(kind: str, checked: Checked, *, actor) -> ImportResult:
    """Create or update the rows of a file ``import_check`` found good, all or none."""
    if not checked.ok:
        raise ValueError("a file with problems is not imported")
    fmt = FORMATS[kind]
    stored = {
        tuple(values[:-1]): values[-1]
        for values in fmt.model.objects.select_for_update().values_list(*fmt.key_fields, "pk")
    }
    now = timezone.now()
    new, changed = [], []
    for _row, values in checked.rows:
        values = dict(values)
        if fmt.model is ExternalRecord:
            values["imported_by"] = actor
        pk = stored.get(fmt.key(values))
        if pk is None:
            new.append(fmt.model(**values))
        else:
            changed.append(fmt.model(pk=pk, updated_at=now, **values))
    fields = [name for name in checked.rows[0][1] if name not in fmt.key_fields]
    if fmt.model is ExternalRecord:
        fields.append("imported_by")
    fmt.model.objects.bulk_create(new, batch_size=BATCH)
    fmt.model.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=BATCH)
    result = ImportResult(created=len(new), updated=len(changed))
    record(
        actor=actor,
        action="external_records.imported" if kind == "records" else "shared_instruments.imported",
        after={"created": result.created, "updated": result.updated},
    )
    return result
