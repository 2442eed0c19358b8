"""DATABASE_URL's PostgreSQL connection: arguments bound by the server, repeated statements
prepared once per connection, and a way out for connection poolers."""

import pytest
from django.db import connection

from portal.settings import database_from_url

URL = "postgres://portal:secret@db.internal:5433/yrd"


def test_postgres_binds_arguments_on_the_server_and_prepares_repeated_statements(monkeypatch):
    monkeypatch.delenv("DB_PREPARED_STATEMENTS", raising=False)
    options = database_from_url(URL)["OPTIONS"]
    assert options == {"server_side_binding": True, "prepare_threshold": 5}


def test_a_connection_pooler_can_turn_prepared_statements_off(monkeypatch):
    monkeypatch.setenv("DB_PREPARED_STATEMENTS", "0")
    assert database_from_url(URL)["OPTIONS"] == {}


def test_sqlite_keeps_its_own_options():
    assert database_from_url("sqlite:////tmp/x.sqlite3")["OPTIONS"] == {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }


@pytest.mark.django_db
def test_a_query_run_again_on_one_connection_is_prepared_by_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    from grants.models import Province

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]

    before = prepared()
    for _ in range(6):
        list(Province.objects.filter(code="310000"))
    assert prepared() > before
