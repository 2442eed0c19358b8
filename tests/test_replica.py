"""The ledger and its exports read from the read replica when one is configured
(portal/db_router.py); everything else, and every write, uses the primary."""

import copy
import subprocess
import sys
from contextlib import nullcontext

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext

from grants.funding import decisions
from grants.models import Proposal, Role
from portal.db_router import REPLICA, ReplicaRouter, reading_from_replica
from tests.factories import make_user
from tests.reviews.factories import make_panel_call
from tests.trust.test_headers import ROOT, production_environment

PLENTY = {"310000": 90_000_000, "320000": 90_000_000, "330000": 90_000_000, "340000": 90_000_000}
REPORTS = ["/ledger/", "/ledger/ledger.csv", "/ledger/ledger.pdf"]
# Tables only the report itself reads, and tables the middleware reads before the view runs.
LEDGER_TABLES = ("grants_contribution", "grants_awardshare", "grants_payment")
SIGN_IN_TABLES = ("django_session", "grants_rolegrant")


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker):
    """A "replica" alias set up as Django's test runner sets up a TEST["MIRROR"]: its own
    connection to the primary's test database, as a real replica is a copy of the primary."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    connections.settings[REPLICA] = {
        **copy.deepcopy(primary),
        "TEST": {**primary["TEST"], "MIRROR": DEFAULT_DB_ALIAS},
    }
    connections[REPLICA].creation.set_as_test_mirror(primary)
    yield REPLICA
    with django_db_blocker.unblock():
        connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def officer_and_ledger(reference):
    call, _, officer = make_panel_call(scores=("4",), contributions=PLENTY)
    decisions.funding_commit(call=call, actor=officer)
    return make_user(roles=[Role.FUND_OFFICER]), call


def tables_read(captured, tables):
    return {table for table in tables for query in captured if table in query["sql"]}


@pytest.mark.parametrize("url", REPORTS)
@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_reports_read_the_ledger_from_the_replica(client, replica, officer_and_ledger, url):
    officer, call = officer_and_ledger
    client.force_login(officer)
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as mirror,
    ):
        response = client.get(url, {"call": call.code})

    assert response.status_code == 200
    assert tables_read(mirror, LEDGER_TABLES) == set(LEDGER_TABLES)
    assert tables_read(primary, LEDGER_TABLES) == set()
    # Who is asking, and with which roles, was settled on the primary before the report ran.
    assert tables_read(primary, SIGN_IN_TABLES) == set(SIGN_IN_TABLES)
    assert tables_read(mirror, SIGN_IN_TABLES) == set()


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_other_pages_read_the_primary(client, replica, officer_and_ledger):
    officer, call = officer_and_ledger
    client.force_login(officer)
    with CaptureQueriesContext(connections[REPLICA]) as mirror:
        assert client.get(f"/office/calls/{call.code}/proposals/").status_code == 200
        assert client.get(f"/office/calls/{call.code}/funding/").status_code == 200
    assert len(mirror) == 0


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_writes_inside_the_block_go_to_the_primary(replica, officer_and_ledger):
    _, call = officer_and_ledger
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as mirror,
        reading_from_replica(),
    ):
        Proposal.objects.filter(call=call).update(title_en="Changed")
        assert Proposal.objects.filter(call=call, title_en="Changed").count() == 1
    assert [query["sql"].split()[0] for query in primary] == ["UPDATE"]
    assert [query["sql"].split()[0] for query in mirror] == ["SELECT"]


@pytest.mark.parametrize("url", REPORTS)
def test_without_a_replica_reports_read_the_primary(client, officer_and_ledger, url):
    officer, call = officer_and_ledger
    client.force_login(officer)
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary:
        response = client.get(url, {"call": call.code})
    assert response.status_code == 200
    assert tables_read(primary, LEDGER_TABLES) == set(LEDGER_TABLES)
    assert REPLICA not in connections


# ---- the router on its own --------------------------------------------------------------------


@pytest.mark.parametrize(
    "replica_configured, inside_block, expected",
    [
        (False, False, None),
        (False, True, None),
        (True, False, None),
        (True, True, REPLICA),
    ],
)
def test_reads_go_to_the_replica_only_inside_the_block_and_when_there_is_one(
    monkeypatch, replica_configured, inside_block, expected
):
    monkeypatch.setattr("portal.db_router.replica_configured", lambda: replica_configured)
    router = ReplicaRouter()
    if inside_block:
        with reading_from_replica():
            assert router.db_for_read(Proposal) == expected
    else:
        assert router.db_for_read(Proposal) == expected


def test_the_block_ends_when_it_is_left_even_by_an_error(monkeypatch):
    monkeypatch.setattr("portal.db_router.replica_configured", lambda: True)
    with pytest.raises(RuntimeError), reading_from_replica():
        assert ReplicaRouter().db_for_read(Proposal) == REPLICA
        raise RuntimeError("the report failed")
    assert ReplicaRouter().db_for_read(Proposal) is None


@pytest.mark.parametrize("inside_block", [False, True])
def test_writes_always_go_to_the_primary(monkeypatch, inside_block):
    monkeypatch.setattr("portal.db_router.replica_configured", lambda: True)
    with reading_from_replica() if inside_block else nullcontext():
        assert ReplicaRouter().db_for_write(Proposal) == DEFAULT_DB_ALIAS


@pytest.mark.parametrize("db, allowed", [(DEFAULT_DB_ALIAS, True), (REPLICA, False)])
def test_only_the_primary_is_migrated(db, allowed):
    assert ReplicaRouter().allow_migrate(db, "grants") is allowed


# ---- production settings ---------------------------------------------------------------------

SCALED_OUT = {
    "DATABASE_REPLICA_URL": "postgres://reports:secret@replica.internal:5432/yrd",
    "REDIS_URL": "redis://cache.internal:6379/0",
}


def run_with(variables, *args):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**production_environment(), **variables},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_replica_and_the_shared_cache_come_from_the_environment():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "r = s.DATABASES['replica']; "
        "print(r['HOST'], r['USER'], r['NAME'], r['TEST']['MIRROR'], "
        "s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'], s.SESSION_ENGINE)"
    )
    result = run_with(SCALED_OUT, "-c", script)
    assert result.stdout.split() == [
        "replica.internal",
        "reports",
        "yrd",
        "default",
        "portal.cache.FallbackRedisCache",
        "redis://cache.internal:6379/0",
        "portal.sessions",
    ], result.stderr


def test_without_them_there_is_no_replica_and_the_cache_is_local():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(sorted(s.DATABASES), s.CACHES['default']['BACKEND'])"
    )
    result = run_with({}, "-c", script)
    assert result.stdout.strip() == ("['default'] django.core.cache.backends.locmem.LocMemCache"), (
        result.stderr
    )


def test_deploy_check_is_clean_when_scaled_out():
    variables = {**SCALED_OUT, "AWS_STORAGE_BUCKET_NAME": "yrd-attachments"}
    result = run_with(variables, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
