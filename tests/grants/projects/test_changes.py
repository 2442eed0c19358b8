"""Changes to a running project: asking, the provinces' consent, the office's decision, and what
an approved change does to the budget, the dates, the PIs and the task book."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core import mail

from grants.core.errors import WorkflowError
from grants.models import (
    AuditEntry,
    ChangeKind,
    ChangeStatus,
    Institution,
    ProjectStatus,
    ReportKind,
    TaskBook,
)
from grants.projects import changes, task_book_pdf
from grants.projects.change_rules import Move
from tests.factories import make_user
from tests.grants.projects.change_factories import running_project
from tests.grants.projects.factories import provincial_officer

pytestmark = pytest.mark.django_db


def cell(member, category="operations", year=1):
    return (member.pk, category, year)


def amount_of(project, member, category="operations", year=1):
    line = project.budget_lines.filter(member=member, category=category, year=year).first()
    return line.amount if line else None


def test_a_small_move_within_one_member_the_office_decides_alone(reference):
    project, lead, _, officer = running_project()
    held = amount_of(project, lead)
    mail.outbox.clear()
    change = changes.change_request(
        project=project,
        actor=lead.pi,
        kind=ChangeKind.REALLOCATION,
        details={"moves": [Move(cell(lead), cell(lead, "equipment"), D("1000"))]},
        reason="A small instrument.",
    )
    assert change.details["office_alone"] and change.details["consent_from"] == []
    assert changes.consents_missing(change) == []
    changes.change_decide(change=change, actor=officer, approve=True)
    change.refresh_from_db()
    project.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED and change.decided_by == officer
    assert amount_of(project, lead) == held - D("1000")
    assert amount_of(project, lead, "equipment") == D("1000")
    assert project.task_book_version == 2
    book = TaskBook.objects.get(project=project, number=2)
    assert book.change == change
    assert {
        "member": lead.pk,
        "category": "equipment",
        "year": 1,
        "amount": "1000.00",
    } in book.contents["budget"]
    # The same shape as the first version, so its PDF prints as the first one does.
    pdf = task_book_pdf.build_task_book_pdf(book.contents, (), draft=False)
    assert pdf.startswith(b"%PDF") and book.contents["members"][0]["institution_zh"]
    assert AuditEntry.objects.filter(action="project.change_approved").exists()
    assert len(mail.outbox) == 2  # the request and the decision
    number = project.proposal.reference
    assert number in mail.outbox[0].subject and number in mail.outbox[1].body
    assert f"/projects/{project.pk}/changes/{change.pk}/" in mail.outbox[1].body


def test_a_move_between_provinces_waits_for_both_and_any_refusal_refuses(reference):
    project, lead, partner, officer = running_project()
    shanghai, zhejiang = provincial_officer("310000"), provincial_officer("330000")
    mail.outbox.clear()
    change = changes.change_request(
        project=project,
        actor=lead.pi,
        kind=ChangeKind.REALLOCATION,
        details={"moves": [Move(cell(lead), cell(partner), D("5000"))]},
        reason="Zhejiang runs the field work.",
    )
    assert change.details["consent_from"] == ["310000", "330000"]
    recipients = set(mail.outbox[0].to)
    assert {lead.pi.email, partner.pi.email, shanghai.email, zhejiang.email} <= recipients
    with pytest.raises(WorkflowError, match="consent"):
        changes.change_decide(change=change, actor=officer, approve=True)
    changes.change_consent(change=change, actor=shanghai, province_code="310000", agreed=True)
    with pytest.raises(WorkflowError):
        changes.change_consent(change=change, actor=shanghai, province_code="310000", agreed=True)
    with pytest.raises(WorkflowError, match="why"):
        changes.change_consent(change=change, actor=zhejiang, province_code="330000", agreed=False)
    changes.change_consent(
        change=change, actor=zhejiang, province_code="330000", agreed=False, note="No."
    )
    change.refresh_from_db()
    assert change.status == ChangeStatus.REFUSED
    assert amount_of(project, partner) == amount_of(project, lead)  # nothing moved
    with pytest.raises(WorkflowError, match="decided already"):
        changes.change_decide(change=change, actor=officer, approve=True)


def test_with_every_consent_the_office_approves_and_the_totals_move(reference):
    project, lead, partner, officer = running_project()
    before = amount_of(project, partner)
    change = changes.change_request(
        project=project,
        actor=lead.pi,
        kind=ChangeKind.REALLOCATION,
        details={"moves": [Move(cell(lead), cell(partner), D("5000"))]},
        reason="Zhejiang runs the field work.",
    )
    for code in ("310000", "330000"):
        changes.change_consent(
            change=change, actor=provincial_officer(code), province_code=code, agreed=True
        )
    changes.change_decide(change=change, actor=officer, approve=True, note="Fine.")
    assert amount_of(project, partner) == before + D("5000")


def test_a_request_is_refused_when_it_breaks_the_rules(reference):
    project, lead, partner, _ = running_project()
    with pytest.raises(WorkflowError, match="holds"):
        changes.change_request(
            project=project,
            actor=lead.pi,
            kind=ChangeKind.REALLOCATION,
            details={"moves": [Move(cell(lead), cell(partner), D("99999999"))]},
            reason="Too much.",
        )
    with pytest.raises(WorkflowError, match="lead PI"):
        changes.change_request(
            project=project,
            actor=partner.pi,
            kind=ChangeKind.EXTENSION,
            details={"months": 6},
            reason="Late.",
        )


def test_one_pending_change_at_a_time_and_only_while_running(reference):
    project, lead, _, _ = running_project()
    ask = dict(project=project, actor=lead.pi, kind=ChangeKind.EXTENSION, details={"months": 6})
    changes.change_request(reason="Late.", **ask)
    with pytest.raises(WorkflowError, match="waiting"):
        changes.change_request(reason="Later.", **ask)
    project.status = ProjectStatus.SUSPENDED
    project.save()
    project.changes.update(status=ChangeStatus.WITHDRAWN)
    with pytest.raises(WorkflowError, match="runs"):
        changes.change_request(reason="Later.", **ask)


def test_an_extension_moves_the_end_and_the_final_report_once_only(reference):
    project, lead, _, officer = running_project(on=date(2026, 1, 1))
    assert project.ends_on == date(2028, 12, 31)
    change = changes.change_request(
        project=project,
        actor=lead.pi,
        kind=ChangeKind.EXTENSION,
        details={"months": 12},
        reason="The trial was delayed.",
    )
    changes.change_decide(change=change, actor=officer, approve=True)
    project.refresh_from_db()
    assert project.ends_on == date(2029, 12, 31) and project.duration_months == 48
    final = project.reports.get(kind=ReportKind.FINAL)
    assert (final.year, final.due_on) == (4, date(2029, 12, 31) + timedelta(days=60))
    assert project.reports.filter(kind=ReportKind.ANNUAL, year=3).exists()
    with pytest.raises(WorkflowError, match="once"):
        changes.change_request(
            project=project,
            actor=lead.pi,
            kind=ChangeKind.EXTENSION,
            details={"months": 3},
            reason="Again.",
        )


def test_a_new_pi_must_exist_with_a_complete_profile_at_the_institution(reference):
    project, lead, partner, officer = running_project()
    ask = dict(project=project, actor=lead.pi, kind=ChangeKind.PI, reason="Retired.")
    with pytest.raises(WorkflowError, match="No one"):
        changes.change_request(details={"member": partner.pk, "email": "x@example.org"}, **ask)
    incomplete = make_user(complete=False)
    with pytest.raises(WorkflowError, match="profile"):
        changes.change_request(details={"member": partner.pk, "email": incomplete.email}, **ask)
    elsewhere = make_user(institution="南京大学")
    with pytest.raises(WorkflowError, match="another institution"):
        changes.change_request(details={"member": partner.pk, "email": elsewhere.email}, **ask)
    successor = make_user(institution="浙江大学")
    change = changes.change_request(
        details={"member": partner.pk, "email": successor.email.upper()}, **ask
    )
    assert change.details["consent_from"] == []
    changes.change_decide(change=change, actor=officer, approve=True)
    partner.refresh_from_db()
    assert partner.pi == successor


def test_a_partner_from_another_province_needs_both_provinces(reference):
    project, lead, partner, officer = running_project()
    nanjing = Institution.objects.get(name_zh="南京大学")
    pi = make_user(institution="南京大学")
    change = changes.change_request(
        project=project,
        actor=lead.pi,
        kind=ChangeKind.PARTNER,
        details={"member": partner.pk, "institution": nanjing.pk, "email": pi.email},
        reason="Zhejiang's group moved.",
    )
    assert change.details["consent_from"] == sorted(["330000", nanjing.province_id])
    for code in change.details["consent_from"]:
        changes.change_consent(
            change=change, actor=provincial_officer(code), province_code=code, agreed=True
        )
    changes.change_decide(change=change, actor=officer, approve=True)
    partner.refresh_from_db()
    assert (partner.institution, partner.pi) == (nanjing, pi)
    book = project.task_books.get(number=2)
    assert any(m["institution_zh"] == nanjing.name_zh for m in book.contents["members"])


def test_the_lead_cannot_be_replaced_as_a_partner(reference):
    project, lead, _, _ = running_project()
    pi = make_user(institution="南京大学")
    with pytest.raises(WorkflowError, match="member"):
        changes.change_request(
            project=project,
            actor=lead.pi,
            kind=ChangeKind.PARTNER,
            details={
                "member": lead.pk,
                "institution": Institution.objects.get(name_zh="南京大学").pk,
                "email": pi.email,
            },
            reason="No.",
        )


def shares(project):
    return {
        share.province_id: (
            share.received,
            share.committed,
            [p.amount for p in share.payments.all()],
        )
        for share in project.decision.shares.all()
    }


def approve_move(project, lead, partner, officer, amount):
    change = changes.change_request(
        project=project,
        actor=lead.pi,
        kind=ChangeKind.REALLOCATION,
        details={"moves": [Move(cell(lead), cell(partner), D(amount))]},
        reason="Zhejiang runs the field work.",
    )
    for code in ("310000", "330000"):
        changes.change_consent(
            change=change, actor=provincial_officer(code), province_code=code, agreed=True
        )
    return changes.change_decide(change=change, actor=officer, approve=True)


def test_money_moved_between_provinces_moves_their_shares_and_instalments(reference):
    project, lead, partner, officer = running_project()
    before = shares(project)
    approve_move(project, lead, partner, officer, "5000")
    after = shares(project)
    assert after["310000"][0] == before["310000"][0] - D("5000")
    assert after["330000"][0] == before["330000"][0] + D("5000")
    for code in after:
        received, committed, instalments = after[code]
        assert committed == received and sum(instalments) == committed
    assert AuditEntry.objects.filter(action="project.shares_rescheduled").exists()


def test_an_instalment_already_paid_is_kept_and_a_short_pool_refuses(reference):
    from grants.projects import payments

    project, lead, partner, officer = running_project()
    shanghai = project.decision.shares.get(province_id="310000")
    first = shanghai.payments.get(year=1)
    payments.payment_record(
        instalment=first, actor=officer, amount=first.amount, paid_on=date.today(), voucher="SH-1"
    )
    approve_move(project, lead, partner, officer, "5000")
    first.refresh_from_db()
    assert first.paid == first.amount and first.paid_at is not None
    shanghai.refresh_from_db()
    assert sum(p.amount for p in shanghai.payments.all()) == shanghai.committed
    # Zhejiang's pool (¥800,000) is spent on two awards of ¥390,000 and ¥5,000 more: ¥15,000 is left.
    held = amount_of(project, partner)
    with pytest.raises(WorkflowError, match="pool for this call"):
        approve_move(project, lead, partner, officer, "25000")
    assert amount_of(project, partner) == held  # nothing of the refused approval stays
