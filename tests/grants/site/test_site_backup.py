"""The restore drill: the whole portal backed up (pg_dump plus the files), restored into an
empty database and an empty storage folder by the documented commands, and found the same:
every proposal, file checksum, review and ledger figure."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from grants.funding import decisions, outcomes
from grants.models import Proposal
from grants.site import site_backup
from tests.grants.projects.paying import pay_year, start_projects
from tests.reviews.factories import make_panel_call

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump backs up PostgreSQL"),
    pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump is not installed"),
]

ROOT = Path(__file__).resolve().parents[3]
NARRATIVE = b"%PDF-1.7 the narrative"


def url_of(name):
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}"
        f":{settings['PORT'] or 5432}/{name}"
    )


def admin_sql(statement):
    settings = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    ) as admin:
        admin.execute(statement)


@pytest.fixture
def empty_database():
    """A new, empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin_sql(f'CREATE DATABASE "{name}"')
    yield name
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*arguments, database, media):
    """manage.py as an operator runs it: its own process, on the environment's database."""
    environment = {**os.environ, "DATABASE_URL": url_of(database), "MEDIA_ROOT": str(media)}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def decided_fund(reference, settings, tmp_path):
    """A decided call with reviews, awards, a paid year and an uploaded narrative."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call, proposals, officer = make_panel_call(provincial_confirmation_required=False)
    path = default_storage.save("attachments/narrative-drill.pdf", ContentFile(NARRATIVE))
    Proposal.objects.filter(pk=proposals[0].pk).update(narrative_pdf=path)
    decisions.funding_commit(call=call, actor=officer)
    outcomes.call_decide(call=call, actor=officer)
    start_projects(call)
    pay_year(call, officer, 1)
    return path


def test_a_backup_restores_into_an_empty_database_and_storage_the_same(
    decided_fund, empty_database, tmp_path
):
    before = site_backup.figures()
    assert before["reviews"] and before["references"]
    assert any(row["paid"] != "0.00" for row in before["ledger"].values())
    backup = tmp_path / "backup"

    call_command("backup_portal", str(backup), stdout=open(os.devnull, "w"))

    manifest = json.loads((backup / site_backup.MANIFEST).read_text())
    assert manifest["figures"] == before
    assert set(manifest["files"]) == {decided_fund}
    restored_media = tmp_path / "restored-media"
    restored = manage("restore_portal", str(backup), database=empty_database, media=restored_media)
    assert restored.returncode == 0, restored.stderr
    assert "Restored and checked" in restored.stdout
    assert (restored_media / decided_fund).read_bytes() == NARRATIVE

    # Read back independently of the command's own check.
    figures = manage(
        "shell",
        "-c",
        "import json; from grants.site.site_backup import figures; print(json.dumps(figures()))",
        database=empty_database,
        media=restored_media,
    )
    assert json.loads(figures.stdout.strip().splitlines()[-1]) == before


def test_a_restore_that_differs_from_its_manifest_fails_and_says_where(
    decided_fund, empty_database, tmp_path
):
    backup = tmp_path / "backup"
    call_command("backup_portal", str(backup), stdout=open(os.devnull, "w"))
    (backup / site_backup.FILES / decided_fund).write_bytes(b"%PDF-1.7 damaged")

    restored = manage(
        "restore_portal", str(backup), database=empty_database, media=tmp_path / "restored"
    )

    assert restored.returncode != 0
    assert f"file {decided_fund}: expected" in restored.stderr


def test_a_restore_refuses_a_database_that_is_not_empty(decided_fund, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup_portal", str(backup), stdout=open(os.devnull, "w"))
    with pytest.raises(site_backup.BackupError, match="not empty"):
        site_backup.restore(backup)
