"""A project's early end: suspension, resumption, termination with refunds per province."""

from decimal import Decimal as D

import pytest

from grants.core.errors import WorkflowError
from grants.funding.payments import ledger, refund_totals
from grants.models import (
    AuditEntry,
    Call,
    ChangeKind,
    ChangeStatus,
    Payment,
    ProjectStatus,
    Province,
)
from grants.projects import changes, early_end
from tests.grants.projects.change_factories import running_project

pytestmark = pytest.mark.django_db


def instalments(project):
    return Payment.objects.filter(share__decision=project.decision).order_by(
        "share__province_id", "year"
    )


def pay_first_year(project):
    """Each province pays its first instalment in full, and half of its second."""
    for payment in instalments(project):
        if payment.year == 1:
            payment.paid = payment.amount
        elif payment.year == 2:
            payment.paid = (payment.amount / 2).quantize(D("0.01"))
        payment.save()


def paid(project, code):
    return sum(p.paid for p in instalments(project).filter(share__province_id=code))


def test_suspend_and_resume(reference):
    project, _, _, officer = running_project()
    with pytest.raises(WorkflowError, match="reason"):
        early_end.project_suspend(project=project, actor=officer, reason=" ")
    early_end.project_suspend(project=project, actor=officer, reason="Audit of the accounts.")
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUSPENDED and project.ended_at
    with pytest.raises(WorkflowError, match="running"):
        early_end.project_suspend(project=project, actor=officer, reason="Again.")
    early_end.project_resume(project=project, actor=officer)
    project.refresh_from_db()
    assert project.status == ProjectStatus.RUNNING and not project.ended_reason
    with pytest.raises(WorkflowError, match="suspended"):
        early_end.project_resume(project=project, actor=officer)
    assert AuditEntry.objects.filter(action="project.resumed").exists()


def test_termination_owes_back_what_was_paid_beyond_what_is_kept(reference):
    project, _, _, officer = running_project()
    pay_first_year(project)
    shanghai, zhejiang = paid(project, "310000"), paid(project, "330000")
    assert shanghai > 0 and zhejiang > 0
    early_end.project_suspend(project=project, actor=officer, reason="Audit.")
    refunds = early_end.project_terminate(
        project=project, actor=officer, reason="Fraud.", kept={"310000": D("1000")}
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.TERMINATED and project.ended_reason == "Fraud."
    owed = {r.province_id: r.amount for r in refunds}
    assert owed == {"310000": shanghai - D("1000"), "330000": zhejiang}
    # The unpaid instalments are cancelled: each is brought down to what was paid of it.
    assert all(p.amount == p.paid for p in instalments(project))
    assert instalments(project).count() == 6
    # What each province commits falls to what it paid: the ledger's pool gets the rest back.
    committed = {s.province_id: s.committed for s in project.decision.shares.all()}
    assert committed == {"310000": shanghai, "330000": zhejiang}
    (row,) = ledger(
        Call.objects.filter(pk=project.proposal.call_id), Province.objects.filter(pk="330000")
    )
    assert row.committed == D(390_000) + zhejiang  # the other award's share, and what was paid
    with pytest.raises(WorkflowError, match="running or suspended"):
        early_end.project_terminate(project=project, actor=officer, reason="Again.")
    calls = Call.objects.filter(pk=project.proposal.call_id)
    totals = refund_totals(calls, Province.objects.all())
    assert totals["310000"] == (shanghai - D("1000"), D("0"))


def test_nothing_paid_nothing_owed(reference):
    project, _, _, officer = running_project()
    assert early_end.project_terminate(project=project, actor=officer, reason="Stopped.") == []
    assert all(p.amount == 0 for p in instalments(project))


def test_termination_refuses_a_change_still_waiting(reference):
    project, lead, _, officer = running_project()
    change = changes.change_request(
        project=project,
        actor=lead.pi,
        kind=ChangeKind.EXTENSION,
        details={"months": 6},
        reason="Late.",
    )
    early_end.project_terminate(project=project, actor=officer, reason="Stopped.")
    change.refresh_from_db()
    assert (change.status, change.decision_note) == (ChangeStatus.REFUSED, "Stopped.")
