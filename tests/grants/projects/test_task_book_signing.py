from decimal import Decimal

import pytest

from grants.models import AuditEntry, Project, ProjectStatus, Report, Signature
from grants.projects import task_book
from tests.factories import make_user
from tests.grants.projects.factories import decided_call, provincial_officer
from tests.grants.projects.task_book_factories import (
    add_milestone,
    drafted_project,
    issued_project,
    lead_and_partner,
)

pytestmark = pytest.mark.django_db


def sign(client, project, party, confirm=True):
    data = {"party": party}
    if confirm:
        data[f"{party.replace(':', '-')}-confirm"] = "on"
    return client.post(f"/projects/{project.pk}/task-book/sign/", data)


def test_issuing_freezes_what_is_signed_and_tells_every_party(client, reference, mailoutbox):
    project, _ = drafted_project(cuts={0: 10})
    officers = [provincial_officer("310000"), provincial_officer("330000")]
    anhui = provincial_officer("340000")  # Anhui pays nothing for it
    mailoutbox.clear()
    client.force_login(project.proposal.lead)
    response = client.post(f"/projects/{project.pk}/task-book/issue/")
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.SIGNING
    book = project.task_books.get()
    assert book.number == project.task_book_version == 1
    contents = book.contents
    lead, partner = lead_and_partner(project)
    assert [m["id"] for m in contents["members"]] == [lead.pk, partner.pk]
    assert contents["members"][0]["lead"] and contents["members"][0]["province_code"] == "310000"
    assert contents["milestones"][0]["title"] == "Prototype sensor array"
    assert contents["duration_months"] == project.duration_months
    assert sum(Decimal(line["amount"]) for line in contents["budget"]) == project.decision.total
    assert {p["code"]: p["received"] for p in contents["provinces"]} == {
        "310000": "351000.00",
        "330000": "351000.00",
    }
    assert AuditEntry.objects.filter(action="project.task_book_issued").exists()
    (mail,) = mailoutbox
    assert project.proposal.reference in mail.subject
    assert {lead.pi.email, partner.pi.email, *(o.email for o in officers)} <= set(mail.to)
    assert anhui.email not in mail.to


def test_the_contents_builder_serves_later_versions(reference):
    project, _ = issued_project()
    project.task_book_version = 2
    assert task_book.task_book_contents(project)["version"] == 2


def test_every_party_signs_and_the_last_signature_starts_the_project(client, reference, mailoutbox):
    project, _ = issued_project()
    mailoutbox.clear()
    lead, partner = lead_and_partner(project)
    shanghai, zhejiang = provincial_officer("310000"), provincial_officer("330000")

    # A province countersigns only once every member has accepted.
    client.force_login(zhejiang)
    page = client.get(f"/projects/{project.pk}/task-book/").content.decode()
    assert "after every member institution" in page and "task-book/sign/" not in page
    response = sign(client, project, "province:330000")
    assert response.status_code == 302 and not Signature.objects.exists()

    client.force_login(partner.pi)
    page = client.get(f"/projects/{project.pk}/task-book/").content.decode()
    assert "I have read the task book version 1 and accept it for Zhejiang University" in page
    assert sign(client, project, f"member:{partner.pk}").status_code == 302
    # Nobody signs for a party that is not theirs.
    assert sign(client, project, f"member:{lead.pk}").status_code == 302
    assert Signature.objects.count() == 1

    client.force_login(lead.pi)
    assert sign(client, project, f"member:{lead.pk}").status_code == 302
    client.force_login(shanghai)
    assert sign(client, project, "province:310000").status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.SIGNING

    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-party="province:310000" data-signed="yes"' in page
    assert page.count('id="task-book"') == 1
    assert 'data-party="province:330000" data-signed="no"' in page

    client.force_login(zhejiang)
    response = sign(client, project, "province:330000")
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.RUNNING and project.starts_on
    assert Report.objects.filter(project=project).exists()
    assert AuditEntry.objects.filter(action="project.task_book_signed").count() == 4
    assert AuditEntry.objects.filter(action="project.started").exists()
    (mail,) = mailoutbox
    assert "started" in mail.subject
    assert {lead.pi.email, partner.pi.email, shanghai.email, zhejiang.email} <= set(mail.to)
    # Signed: nothing is left to sign.
    assert sign(client, project, "province:330000").status_code == 302
    assert Signature.objects.count() == 4


def test_signing_without_the_confirmation_shows_the_error(client, reference):
    project, _ = issued_project()
    _, partner = lead_and_partner(project)
    client.force_login(partner.pi)
    response = sign(client, project, f"member:{partner.pk}", confirm=False)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_member-{partner.pk}-confirm_error"' in page
    assert "Tick the box to confirm" in page
    assert not Signature.objects.exists()


def test_readers_who_sign_for_nobody_are_refused(client, reference):
    project, officer = issued_project()
    for user in (officer, provincial_officer("340000")):
        client.force_login(user)
        status = sign(client, project, "province:340000").status_code
        assert status == (403 if user is officer else 404)
    client.force_login(make_user(institution="南京大学"))
    assert client.get(f"/projects/{project.pk}/task-book/").status_code == 404


def test_the_task_book_pdf_for_every_reader(client, reference):
    project, _ = drafted_project()
    client.force_login(provincial_officer("330000"))
    draft = client.get(f"/projects/{project.pk}/task-book.pdf")
    assert draft.status_code == 200 and draft.content.startswith(b"%PDF")
    assert "draft" in draft["Content-Disposition"]
    task_book.task_book_issue(project=project, actor=project.proposal.lead)
    lead, _ = lead_and_partner(project)
    task_book_signing_by(project, lead)
    issued = client.get(f"/projects/{project.pk}/task-book.pdf")
    assert issued.status_code == 200 and issued.content.startswith(b"%PDF")
    assert "draft" not in issued["Content-Disposition"]
    text = pdf_text(issued.content)
    assert "项目任务书 Task book" in text and "Prototype sensor array" in text
    assert lead.pi.name in text and "未签署 Not signed yet" in text  # the partner has not signed
    assert "浙江省 Zhejiang" in text


def pdf_text(content):
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def task_book_signing_by(project, member):
    from grants.projects import signing
    from grants.projects.signing_rules import MEMBER, Party

    signing.task_book_sign(project=project, actor=member.pi, party=Party(MEMBER, str(member.pk)))


def test_the_dashboard_lists_the_task_books_waiting_for_the_user(client, reference):
    project, _ = issued_project()
    lead, partner = lead_and_partner(project)
    zhejiang = provincial_officer("330000")
    client.force_login(partner.pi)
    page = client.get("/dashboard/").content.decode()
    assert 'data-role="signatures"' in page and f"/projects/{project.pk}/task-book/" in page
    task_book_signing_by(project, partner)
    assert 'data-role="signatures"' not in client.get("/dashboard/").content.decode()
    client.force_login(zhejiang)
    # Not yet: the lead has not accepted.
    assert 'data-role="signatures"' not in client.get("/dashboard/").content.decode()
    task_book_signing_by(project, lead)
    page = client.get("/dashboard/").content.decode()
    assert 'data-role="signatures"' in page and "sign for Zhejiang" in page


def test_the_dashboards_signatures_cost_the_same_for_one_project_or_two(client, reference):
    from tests.test_query_counts import page_queries

    _, proposals, _ = decided_call()
    projects = [Project.objects.get(proposal=p) for p in proposals[:2]]
    for project in projects:
        add_milestone(project)
        task_book.task_book_issue(project=project, actor=project.proposal.lead)
    zhejiang = provincial_officer("330000")

    def members_sign(project):
        for member in lead_and_partner(project):
            task_book_signing_by(project, member)

    members_sign(projects[0])
    one, response = page_queries(client, zhejiang, "/dashboard/")
    assert response.content.decode().count("/task-book/") == 1
    members_sign(projects[1])
    two, response = page_queries(client, zhejiang, "/dashboard/")
    assert response.content.decode().count("/task-book/") == 2
    assert len(two.captured_queries) == len(one.captured_queries)


@pytest.mark.parametrize(
    "title, description",
    [
        ("<b>Bold & broken</b>", "a < b\x00 and \x1b control"),
        ("长" * 200, "很长的说明。" * 400),
        ("Lone surrogate \ud800 pasted", ""),
    ],
)
def test_the_pdf_prints_whatever_the_lead_typed(reference, title, description):
    from grants.projects.task_book_pdf import build_task_book_pdf

    project, _ = drafted_project()
    contents = task_book.task_book_contents(project)
    contents["milestones"][0].update(title=title, description=description)
    assert build_task_book_pdf(contents, (), draft=True).startswith(b"%PDF")
