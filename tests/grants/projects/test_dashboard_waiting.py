"""What the dashboards show of the funded projects: the changes waiting for a province's consent
and the office's decision, and the task books waiting for a signature."""

from decimal import Decimal as D

import pytest

from grants.models import AwardShare, ChangeKind
from grants.projects import changes
from grants.projects.change_rules import Move
from grants.projects.signing import awaiting_signature
from grants.site.dashboards import project_work_section
from tests.factories import make_user
from tests.grants.projects.change_factories import running_project
from tests.grants.projects.factories import provincial_officer
from tests.grants.projects.task_book_factories import issued_project, lead_and_partner
from tests.grants.projects.test_task_book_signing import task_book_signing_by

pytestmark = pytest.mark.django_db


def notes(user):
    section = project_work_section(user)
    return [item.note for item in section.items] if section else []


def test_a_change_waits_for_each_paying_province_then_for_the_office(reference):
    project, lead, partner, officer = running_project()
    shanghai, zhejiang = provincial_officer("310000"), provincial_officer("330000")
    jiangsu = provincial_officer("320000")
    change = changes.change_request(
        project=project,
        actor=lead.pi,
        kind=ChangeKind.REALLOCATION,
        details={
            "moves": [Move((lead.pk, "operations", 1), (partner.pk, "operations", 1), D("5000"))]
        },
        reason="Zhejiang runs the field work.",
    )
    consent = "consent to the change: Budget reallocation"
    assert notes(shanghai) == notes(zhejiang) == [consent]
    assert notes(jiangsu) == [] and notes(officer) == [] and notes(lead.pi) == []
    changes.change_consent(change=change, actor=shanghai, province_code="310000", agreed=True)
    assert notes(shanghai) == [] and notes(zhejiang) == [consent] and notes(officer) == []
    changes.change_consent(change=change, actor=zhejiang, province_code="330000", agreed=True)
    assert notes(zhejiang) == []
    assert notes(officer) == ["decide on the change: Budget reallocation"]


def test_a_task_book_waits_only_for_its_pis_and_the_provinces_that_pay(reference):
    project, _ = issued_project()
    lead, partner = lead_and_partner(project)
    paying = set(
        AwardShare.objects.filter(decision=project.decision).values_list("province", flat=True)
    )
    assert paying == {"310000", "330000"}
    stranger, jiangsu = make_user(), provincial_officer("320000")
    for member in (lead, partner):
        task_book_signing_by(project, member)
    assert awaiting_signature(stranger) == [] and awaiting_signature(jiangsu) == []
    assert [p for p, _ in awaiting_signature(provincial_officer("330000"))] == [project]
    assert awaiting_signature(lead.pi) == [] and awaiting_signature(partner.pi) == []
