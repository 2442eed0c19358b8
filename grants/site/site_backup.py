"""The whole portal backed up and restored: the PostgreSQL database (pg_dump, custom format)
plus every stored file, with a manifest to prove a restore complete.

A backup folder holds:

    database.dump    pg_dump --format=custom of the database
    files/           every file of the default storage (the uploads and the exports), by name
    manifest.json    the SHA-256 of each file, and the figures the fund lives by, taken from
                     the database at backup time: the proposals and their reference numbers,
                     the reviews, the ledger of every province

A restore (pg_restore into an empty database, the files into the storage) is then checked
against the manifest: every file's checksum, and the same figures read from the restored
database. Any difference is reported and the restore fails. README.md, "Backups", gives the
commands (manage.py backup_portal / restore_portal).
"""

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction

DUMP = "database.dump"
FILES = "files"
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


# ---- what must survive ----------------------------------------------------------------------


def figures() -> dict:
    """The figures a restore must give back exactly, as plain JSON values."""
    from grants.funding.payments import ledger
    from grants.models import Call, Proposal, Province
    from reviews.models import Review

    references = Proposal.objects.exclude(reference="").order_by("reference")
    rows = ledger(Call.objects.all(), Province.objects.order_by("code"))
    return {
        "proposals": Proposal.objects.count(),
        "references": list(references.values_list("reference", flat=True)),
        "reviews": Review.objects.count(),
        "ledger": {
            row.province.code: {
                "contributed": str(row.contributed),
                "committed": str(row.committed),
                "paid": str(row.paid),
                "paid_by_year": {
                    str(year): str(amount) for year, amount in row.paid_by_year.items()
                },
            }
            for row in rows
        },
    }


def stored_names(folder=""):
    """Every file name in the default storage under ``folder``, sub-folders included."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # a media folder not yet made holds nothing
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from stored_names(f"{folder}/{sub}" if folder else sub)


def sha256(handle) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def stored_checksums() -> dict:
    checksums = {}
    for name in stored_names():
        with default_storage.open(name, "rb") as handle:
            checksums[name] = sha256(handle)
    return checksums


def differences(expected: dict, found: dict) -> list[str]:
    """What differs between a manifest and what a restore holds, one line each."""
    lines = []
    for name in sorted(set(expected["files"]) | set(found["files"])):
        want, have = expected["files"].get(name), found["files"].get(name)
        if want != have:
            lines.append(f"file {name}: expected {want or 'nothing'}, found {have or 'nothing'}")
    for key in expected["figures"]:
        if expected["figures"][key] != found["figures"].get(key):
            lines.append(
                f"{key}: expected {expected['figures'][key]}, found {found['figures'].get(key)}"
            )
    return lines


# ---- PostgreSQL's tools ---------------------------------------------------------------------


def _exported_snapshot() -> str:
    """Fix this transaction's view of the database and export it for pg_dump --snapshot; the
    caller holds the transaction open until pg_dump has started."""
    _require_postgresql()
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        return cursor.fetchone()[0]


def _require_postgresql():
    if connection.vendor != "postgresql":
        raise BackupError("a whole backup needs PostgreSQL (pg_dump); use export_call on SQLite")


def _pg(tool, *arguments):
    """Run pg_dump or pg_restore on the default database, as the portal connects to it."""
    _require_postgresql()
    settings = connection.settings_dict
    command = [tool, "--no-owner", "--dbname", settings["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings[key]:
            command += [option, str(settings[key])]
    environment = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
    try:
        subprocess.run(
            command + list(arguments), env=environment, check=True, capture_output=True, text=True
        )
    except FileNotFoundError as missing:
        raise BackupError(f"{tool} is not installed") from missing
    except subprocess.CalledProcessError as failed:
        raise BackupError(f"{tool} failed: {failed.stderr.strip()}") from failed


def database_is_empty() -> bool:
    return not connection.introspection.table_names()


# ---- backup and restore ---------------------------------------------------------------------


def backup(destination) -> dict:
    """Write the database, the files and the manifest to the new folder ``destination``;
    returns the manifest. The figures and pg_dump read the same snapshot of the database, so
    writes while the backup runs can neither make a good restore fail its check nor slip into
    one of them only. Files are copied afterwards: uploads are stored under new names, never
    changed, so a file saved meanwhile is at most one more."""
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty")
    (destination / FILES).mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        snapshot = _exported_snapshot()
        manifest = {"figures": figures(), "files": {}}
        _pg(
            "pg_dump",
            "--format=custom",
            f"--snapshot={snapshot}",
            "--file",
            str(destination / DUMP),
        )
    for name in stored_names():
        target = destination / FILES / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
        with open(target, "rb") as copied:
            manifest["files"][name] = sha256(copied)
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return manifest


def restore(source) -> dict:
    """Restore the backup in ``source`` into the (empty) default database and storage, then
    check it against the manifest; raises BackupError listing every difference."""
    source = Path(source)
    manifest = json.loads((source / MANIFEST).read_text())
    if not database_is_empty():
        raise BackupError("the database is not empty: restore into a new, empty database")
    if any(True for _ in stored_names()):
        raise BackupError("the file storage is not empty: restore into an empty one")
    _pg("pg_restore", "--exit-on-error", str(source / DUMP))
    connection.close()  # read the restored tables on a fresh connection
    for name in manifest["files"]:
        with open(source / FILES / name, "rb") as handle:
            saved = default_storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"file {name} was stored as {saved}")
    found = {"figures": figures(), "files": stored_checksums()}
    problems = differences(manifest, found)
    if problems:
        raise BackupError("the restore differs from the backup:\n" + "\n".join(problems))
    return found
