"""The post-award journey in the browser: the lead drafts the task book and issues it, the
partner signs, each paying province countersigns, and the project starts."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from grants.models import ProjectStatus
from tests.e2e.conftest import sign_in, with_authenticator
from tests.grants.projects.factories import decided_call, first_project, provincial_officer

pytestmark = pytest.mark.e2e


def english(named):
    with translation.override("en"):
        return named.name


def open_project(page, reference):
    page.goto("/projects/")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=2, name="Task book")).to_be_visible()


def sign(page, party):
    page.get_by_role("link", name="Read and sign the task book").click()
    section = page.locator("section", has=page.get_by_role("heading", name=f"Sign for {party}"))
    section.get_by_role("checkbox").check()
    section.get_by_role("button", name="Sign").click()
    expect(page.get_by_role("status")).to_be_visible()


def test_a_task_book_signed_by_every_party_starts_the_project(page, new_context):
    _, proposals, _ = decided_call()
    project = first_project(proposals)
    reference = project.proposal.reference
    lead, partner = proposals[0].lead, project.proposal.members.get(is_lead=False)

    sign_in(page, lead.email)
    open_project(page, reference)
    page.get_by_role("link", name="Milestones and deliverables").click()
    # Nothing issued without a milestone; the message says why.
    page.get_by_role("button", name="Issue the task book for signature").click()
    expect(page.get_by_role("main")).to_contain_text("at least one milestone")
    page.get_by_label("Milestone or deliverable").fill("Prototype cell")
    page.get_by_label("Due in project month").fill("12")
    page.get_by_label("Responsible member").select_option(index=1)
    page.get_by_role("button", name="Add").click()
    expect(page.locator("main table")).to_contain_text("Prototype cell")
    page.get_by_role("button", name="Issue the task book for signature").click()
    page.goto(f"/projects/{project.pk}/")
    sign(page, english(project.proposal.members.get(is_lead=True).institution))

    partner_page = new_context().new_page()
    sign_in(partner_page, partner.pi.email)
    open_project(partner_page, reference)
    sign(partner_page, english(partner.institution))

    for code in sorted(project.decision.shares.values_list("province_id", flat=True)):
        officer = with_authenticator(provincial_officer(code))
        officer_page = new_context().new_page()
        sign_in(officer_page, officer.email)
        open_project(officer_page, reference)
        sign(officer_page, english(project.decision.shares.get(province_id=code).province))

    project.refresh_from_db()
    assert project.status == ProjectStatus.RUNNING and project.starts_on
    page.goto(f"/projects/{project.pk}/")
    expect(page.locator("dd[data-status]")).to_have_attribute("data-status", "running")
    expect(page.locator("#reports")).to_contain_text("Final report")
