"""A task book version made by an approved change: the parties it touches sign it again, on
the task book's page, while the project keeps running."""

from decimal import Decimal as D

import pytest

from grants.models import AuditEntry, ChangeKind, ProjectStatus, TaskBook
from grants.projects import changes, signing
from grants.projects.change_rules import Move
from grants.projects.signing_rules import MEMBER, PROVINCE, Party
from tests.grants.projects.factories import provincial_officer
from tests.grants.projects.task_book_factories import issued_project, lead_and_partner

pytestmark = pytest.mark.django_db


def signed_project():
    """The first project with its award's task book signed by every party: running."""
    project, officer = issued_project()
    lead, partner = lead_and_partner(project)
    for actor, party in (
        (lead.pi, Party(MEMBER, str(lead.pk))),
        (partner.pi, Party(MEMBER, str(partner.pk))),
        (provincial_officer("310000"), Party(PROVINCE, "310000")),
        (provincial_officer("330000"), Party(PROVINCE, "330000")),
    ):
        signing.task_book_sign(project=project, actor=actor, party=party)
    project.refresh_from_db()
    assert project.status == ProjectStatus.RUNNING
    return project, lead, partner, officer


def approve_within_the_lead(project, lead, officer):
    """A small move between the lead's own categories, decided by the office alone."""
    change = changes.change_request(
        project=project,
        actor=lead.pi,
        kind=ChangeKind.REALLOCATION,
        details={"moves": [Move((lead.pk, "operations", 1), (lead.pk, "equipment", 1), D(1000))]},
        reason="A small instrument.",
    )
    return changes.change_decide(change=change, actor=officer, approve=True)


def test_a_move_within_the_lead_is_signed_again_by_the_lead_and_its_province(reference):
    project, lead, partner, officer = signed_project()
    approve_within_the_lead(project, lead, officer)
    book = TaskBook.objects.get(project=project, number=2)
    assert book.contents["signers"] == [f"member:{lead.pk}", "province:310000"]
    versioned = AuditEntry.objects.get(action="project.task_book_versioned")
    assert versioned.after["signers"] == book.contents["signers"]
    # The partner and Zhejiang are not asked: their signatures of version 1 stand.
    assert signing.awaiting_signature(partner.pi) == []
    assert signing.awaiting_signature(provincial_officer("330000")) == []
    ((waiting, labels),) = signing.awaiting_signature(lead.pi)
    assert waiting == project and labels


def test_the_parties_sign_the_new_version_on_its_page_and_the_project_runs(client, reference):
    project, lead, _, officer = signed_project()
    approve_within_the_lead(project, lead, officer)
    client.force_login(lead.pi)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "data-signing-again" in page and "Read and sign the task book" in page
    url = f"/projects/{project.pk}/task-book/sign/"
    token = f"member:{lead.pk}"
    body = client.post(url, {"party": token}).content.decode()  # the box is not ticked
    assert "field-invalid" in body
    assert client.post(url, {"party": token, f"member-{lead.pk}-confirm": "on"}).status_code == 302
    shanghai = provincial_officer("310000")
    client.force_login(shanghai)
    dashboard = client.get("/dashboard/").content.decode()
    assert (
        'data-role="signatures"' in dashboard and f"/projects/{project.pk}/task-book/" in dashboard
    )
    response = client.post(url, {"party": "province:310000", "province-310000-confirm": "on"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.RUNNING and project.task_book_version == 2
    book = TaskBook.objects.get(project=project, number=2)
    assert book.signatures.count() == 2
    done = AuditEntry.objects.get(action="project.task_book_version_signed")
    assert done.after == {"version": 2, "change": book.change_id}
    assert "data-signing-again" not in client.get(f"/projects/{project.pk}/").content.decode()


def test_an_extension_is_signed_again_by_everyone(reference):
    project, lead, partner, officer = signed_project()
    change = changes.change_request(
        project=project,
        actor=lead.pi,
        kind=ChangeKind.EXTENSION,
        details={"months": 6},
        reason="The field trial was delayed.",
    )
    for code in change.details.get("consent_from", []):
        changes.change_consent(
            change=change, actor=provincial_officer(code), province_code=code, agreed=True
        )
    changes.change_decide(change=change, actor=officer, approve=True)
    book = TaskBook.objects.get(project=project, number=2)
    assert book.contents["signers"] == [
        f"member:{lead.pk}",
        f"member:{partner.pk}",
        "province:310000",
        "province:330000",
    ]
