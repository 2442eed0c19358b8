import pytest

from grants.models import AuditEntry, Milestone, ProjectStatus
from tests.factories import make_user
from tests.grants.projects.factories import decided_call, first_project, provincial_officer
from tests.grants.projects.task_book_factories import (
    add_milestone,
    drafted_project,
    issued_project,
    lead_and_partner,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(reference):
    _, proposals, _ = decided_call()
    return first_project(proposals)


def milestone_data(project, **changes):
    _, partner = lead_and_partner(project)
    return {
        "title": "Joint data set of river sediments",
        "kind": "data_set",
        "due_month": "18",
        "member": str(partner.pk),
        "description": "Shared by both labs.",
        **changes,
    }


def test_the_lead_adds_a_milestone(client, project):
    client.force_login(project.proposal.lead)
    response = client.post(f"/projects/{project.pk}/milestones/add/", milestone_data(project))
    assert response.status_code == 302
    milestone = Milestone.objects.get(project=project)
    assert (milestone.title, milestone.due_month, milestone.kind) == (
        "Joint data set of river sediments",
        18,
        "data_set",
    )
    assert AuditEntry.objects.filter(action="project.milestone_added").exists()
    page = client.get(f"/projects/{project.pk}/milestones/").content.decode()
    assert "Joint data set of river sediments" in page


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"due_month": "37"}, "due_month", "The project runs for 36 months"),
        ({"due_month": "0"}, "due_month", "Project months count from 1"),
        ({"title": "  "}, "title", "This field is required"),
        ({"member": "999999"}, "member", "Select a valid choice"),
    ],
)
def test_a_wrong_milestone_shows_its_error_and_keeps_what_was_typed(
    client, project, changes, field, message
):
    client.force_login(project.proposal.lead)
    data = milestone_data(project, **changes)
    response = client.post(f"/projects/{project.pk}/milestones/add/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page and message in page
    assert "Shared by both labs." in page
    assert not Milestone.objects.exists()


def test_a_member_of_another_proposal_is_refused(client, reference):
    _, proposals, _ = decided_call()
    project = first_project(proposals)
    other = proposals[1].members.get(is_lead=False)
    client.force_login(project.proposal.lead)
    data = milestone_data(project, member=str(other.pk))
    response = client.post(f"/projects/{project.pk}/milestones/add/", data)
    assert response.status_code == 200 and 'id="id_member_error"' in response.content.decode()


def test_the_lead_edits_and_deletes_a_milestone(client, project):
    milestone = add_milestone(project)
    client.force_login(project.proposal.lead)
    url = f"/projects/{project.pk}/milestones/{milestone.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, milestone_data(project, title="Calibrated array", due_month="6"))
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.title, milestone.due_month) == ("Calibrated array", 6)
    entry = AuditEntry.objects.get(action="project.milestone_changed")
    assert entry.before["title"] == "Prototype sensor array"
    assert entry.after["title"] == "Calibrated array"
    response = client.post(url, milestone_data(project, due_month="40"))
    assert (
        response.status_code == 200
        and "The project runs for 36 months" in response.content.decode()
    )
    assert client.post(f"{url}delete/").status_code == 302
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"project.milestone_changed", "project.milestone_deleted"} <= actions


def test_others_read_the_milestones_but_cannot_change_them(client, project):
    milestone = add_milestone(project)
    _, partner = lead_and_partner(project)
    for reader in (partner.pi, provincial_officer("330000")):
        client.force_login(reader)
        page = client.get(f"/projects/{project.pk}/milestones/")
        assert page.status_code == 200 and milestone.title in page.content.decode()
        assert "milestones/add/" not in page.content.decode()
        assert client.post(f"/projects/{project.pk}/milestones/add/", {}).status_code == 403
        assert (
            client.post(f"/projects/{project.pk}/milestones/{milestone.pk}/delete/").status_code
            == 403
        )
    client.force_login(make_user(institution="南京大学"))
    assert client.get(f"/projects/{project.pk}/milestones/").status_code == 404


def test_milestones_are_frozen_once_the_task_book_is_issued(client, reference):
    project, _ = issued_project()
    milestone = project.milestones.get()
    client.force_login(project.proposal.lead)
    response = client.post(f"/projects/{project.pk}/milestones/add/", milestone_data(project))
    assert response.status_code == 302
    assert (
        client.post(f"/projects/{project.pk}/milestones/{milestone.pk}/delete/").status_code == 302
    )
    assert project.milestones.count() == 1
    page = client.get(f"/projects/{project.pk}/milestones/").content.decode()
    assert "can no longer change" in page and "milestones/add/" not in page


def test_issuing_needs_a_milestone(client, project):
    client.force_login(project.proposal.lead)
    response = client.post(f"/projects/{project.pk}/task-book/issue/", follow=True)
    assert "Add at least one milestone" in response.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFTING and not project.task_books.exists()


def test_only_the_lead_issues(client, reference):
    project, _ = drafted_project()
    _, partner = lead_and_partner(project)
    client.force_login(partner.pi)
    assert client.post(f"/projects/{project.pk}/task-book/issue/").status_code == 403
