"""Importing other funders' records (ExternalRecord) and the shared large-instrument catalogue
(SharedInstrument) from CSV, as the fund office's page, a provincial officer's page and the
management commands do. The formats are in docs/overlaps.md.

Every row is checked before any is written: a file with one bad row imports nothing. Rows
are matched to what is stored by their key, (programme, reference) for records and the
catalogue number for instruments, so importing a corrected or newer file updates in place."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.core.audit import record
from grants.models import Institution, Province
from grants.models.overlaps import ExternalRecord, SharedInstrument
from grants.overlaps import import_rows
from grants.overlaps.import_file import MAX_IMPORT_BYTES, Checked, ImportFileError, check_file

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
    unchanged: int = 0


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


def import_check(
    kind: str, data: bytes, *, scope: str | None, max_bytes=MAX_IMPORT_BYTES
) -> Checked:
    """Every row of an uploaded file checked; raises ImportFileError for an unreadable one."""
    fmt = FORMATS[kind]
    return check_file(
        data,
        columns=fmt.columns,
        required=fmt.required,
        check=fmt.check,
        key=fmt.key,
        lookups=lookups(fmt, scope),
        max_bytes=max_bytes,
    )


def import_save(kind: str, checked: Checked, *, actor) -> ImportResult:
    """Create or update the rows of a file ``import_check`` found good, all or none. A stored
    row the file repeats unchanged is left as it is (and counted as unchanged). Raises
    ImportFileError when another import added the same rows meanwhile."""
    if not checked.ok:
        raise ValueError("a file with problems is not imported")
    try:
        return _save(kind, checked, actor)
    except IntegrityError as error:
        raise ImportFileError(
            _(
                "Another import added some of these rows at the same time, so nothing was "
                "imported: send the file again."
            )
        ) from error


@transaction.atomic
def _save(kind, checked, actor):
    fmt = FORMATS[kind]
    fields = [name for name in checked.rows[0][1] if name not in fmt.key_fields]
    stored = {
        fmt.key(values): values
        for values in fmt.model.objects.select_for_update().values("pk", *fmt.key_fields, *fields)
    }
    now = timezone.now()
    new, changed, unchanged = [], [], 0
    for _row, values in checked.rows:
        before = stored.get(fmt.key(values))
        if before is None:
            new.append(fmt.model(**values, **_importer(fmt, actor)))
            continue
        differs = {name: values[name] for name in fields if before[name] != values[name]}
        if differs:
            changed.append((before["pk"], differs))
        else:
            unchanged += 1
    fmt.model.objects.bulk_create(new, batch_size=BATCH)
    # One UPDATE per changed row, of the columns that changed: faster than bulk_update's CASE
    # over every column when a file changes many long abstracts, and as fast when it does not.
    for pk, differs in changed:
        fmt.model.objects.filter(pk=pk).update(**differs, **_importer(fmt, actor), updated_at=now)
    result = ImportResult(created=len(new), updated=len(changed), unchanged=unchanged)
    record(
        actor=actor,
        action="external_records.imported" if kind == "records" else "shared_instruments.imported",
        after={"created": result.created, "updated": result.updated, "unchanged": unchanged},
    )
    return result


def _importer(fmt, actor):
    """An external record names who imported (or last changed) it; an instrument does not."""
    return {"imported_by": actor} if fmt.model is ExternalRecord else {}
