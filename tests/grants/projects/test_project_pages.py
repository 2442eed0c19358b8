import pytest

from grants.core.money import format_yuan
from tests.grants.projects.factories import decided_call, first_project, provincial_officer

pytestmark = pytest.mark.django_db


def test_the_lead_finds_the_project_and_its_awarded_budget(client, reference):
    _, proposals, _ = decided_call(cuts={0: 10})
    project = first_project(proposals)
    client.force_login(proposals[0].lead)
    listing = client.get("/projects/").content.decode()
    assert f"/projects/{project.pk}/" in listing and proposals[0].reference in listing
    assert proposals[2].reference not in listing  # the reserve list has no project
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert format_yuan(project.decision.total) in page
    for share in project.decision.shares.all():
        assert f'data-province="{share.province_id}"' in page
    assert 'data-status="drafting"' in page


def test_a_provincial_officer_lists_only_what_their_province_pays_for(client, reference):
    _, proposals, _ = decided_call()
    client.force_login(provincial_officer("330000"))
    assert proposals[0].reference in client.get("/projects/").content.decode()
    client.force_login(provincial_officer("340000"))
    page = client.get("/projects/").content.decode()
    assert proposals[0].reference not in page and "No funded project" in page
    assert client.get(f"/projects/{first_project(proposals).pk}/").status_code == 404
