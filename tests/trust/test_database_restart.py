"""The database restarting under a request: a 503 page that needs no database, nothing
half-written, and the next request served on a fresh connection.

The restart is drilled by terminating the request's own server process from another
connection (pg_terminate_backend), exactly what PostgreSQL does to every client when it
restarts.
"""

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client, RequestFactory

from grants.models import Proposal
from grants.models.audit import AuditEntry
from grants.proposals import proposal_workflow
from grants.proposals.views import proposals as views
from portal.faults import unavailable
from tests.factories import make_call, make_proposal, make_user
from tests.grants.proposals.test_proposal_edit import form_data

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="drills PostgreSQL restarts"),
]


def terminate(pid):
    """End server process ``pid`` from a connection of our own, as a restart would."""
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    ) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]


def terminate_own_connection():
    connection.ensure_connection()
    terminate(connection.connection.info.backend_pid)


@pytest.fixture
def draft(reference):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(make_call(), lead, partners=[make_user(institution="浙江大学")])
    return lead, proposal


@pytest.fixture
def lead_client(draft):
    client = Client(raise_request_exception=False)
    client.force_login(draft[0])
    return client


def test_connections_are_checked_before_reuse():
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_a_restart_mid_save_answers_503_and_writes_nothing(lead_client, draft, monkeypatch):
    lead, proposal = draft
    audit_entries = AuditEntry.objects.count()
    save = proposal_workflow.proposal_save

    def save_then_lose_the_database(**kwargs):
        saved = save(**kwargs)  # the proposal row is written, the experts are not yet
        terminate_own_connection()
        return saved

    monkeypatch.setattr(proposal_workflow, "proposal_save", save_then_lose_the_database)
    response = lead_client.post(f"/proposals/{proposal.pk}/edit/", form_data(proposal))

    assert response.status_code == 503
    assert response["Retry-After"]
    page = response.content.decode()
    assert "Temporarily unavailable" in page and "cannot reach its database" in page
    assert "portal/site.css" in page  # styled like the rest of the portal
    monkeypatch.undo()
    proposal.refresh_from_db()
    assert proposal.title_zh != "新的题目"  # the save was rolled back whole
    assert AuditEntry.objects.count() == audit_entries

    again = lead_client.post(f"/proposals/{proposal.pk}/edit/", form_data(proposal))
    assert again.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).title_zh == "新的题目"


def test_a_restart_during_a_read_answers_503_then_the_next_page_works(
    lead_client, draft, monkeypatch
):
    lead, proposal = draft
    real = views.get_proposal

    def lose_the_database_then_read(user, pk):
        terminate_own_connection()
        return real(user, pk)

    monkeypatch.setattr(views, "get_proposal", lose_the_database_then_read)
    assert lead_client.get(f"/proposals/{proposal.pk}/edit/").status_code == 503
    monkeypatch.undo()
    assert lead_client.get(f"/proposals/{proposal.pk}/edit/").status_code == 200


def test_a_restart_between_requests_is_noticed_by_the_health_check(draft):
    """Between requests nothing is using the connection, so nothing fails: the next request's
    health check finds it dead and connects again (the WSGI handler runs the same signals as
    production, which the test client leaves out)."""
    lead, proposal = draft
    handler = WSGIHandler()
    environ = RequestFactory()._base_environ(PATH_INFO="/")

    def get_home():
        statuses = []
        body = handler(environ, lambda status, headers: statuses.append(status))
        b"".join(body)
        body.close()  # request_finished, as the server would
        return statuses[0]

    assert get_home().startswith("200")
    terminate_own_connection()
    assert get_home().startswith("200")


def test_the_unavailable_page_reads_nothing_from_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = unavailable("database")
    assert response.status_code == 503


def test_storage_faults_get_their_own_wording():
    page = unavailable("storage").content.decode()
    assert "file storage" in page
