"""Money received back against a terminated project's refunds: the workflow, the page, and
what the ledger shows of it."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from grants.funding.payments import ledger
from grants.models import AuditEntry, Call, Province, Refund, RefundReceipt
from grants.projects import early_end, refunds
from grants.projects.payments import PaymentRefused
from tests.grants.projects.change_factories import running_project
from tests.grants.projects.factories import provincial_officer
from tests.grants.projects.test_early_end import pay_first_year

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)


@pytest.fixture
def terminated(reference):
    """The first project terminated after its first year's payments: (project, office)."""
    project, _, _, officer = running_project()
    pay_first_year(project)
    early_end.project_terminate(project=project, actor=officer, reason="Stopped.")
    return project, officer


def receive(refund, actor, amount, *, voucher="RF-1", on=TODAY):
    return refunds.refund_receive(
        refund=refund,
        actor=actor,
        amount=D(amount),
        received_on=on,
        voucher=voucher,
        today=TODAY,
    )


def shanghai_refund(project):
    return Refund.objects.get(project=project, province_id="310000")


def test_part_receipts_add_up_and_are_audited(terminated):
    project, officer = terminated
    refund = shanghai_refund(project)
    receive(refund, officer, "1000.00", voucher="RF-1")
    receive(refund, officer, "500.50", voucher="RF-2")
    refund.refresh_from_db()
    assert refund.repaid == D("1500.50")
    assert refund.outstanding == refund.amount - D("1500.50")
    entry = AuditEntry.objects.filter(action="project.refund_received").latest("pk")
    assert entry.after["voucher"] == "RF-2" and entry.after["repaid"] == "1500.50"


def test_never_more_than_is_still_owed(terminated):
    project, officer = terminated
    refund = shanghai_refund(project)
    receive(refund, officer, str(refund.amount - D("10")))
    with pytest.raises(PaymentRefused) as refused:
        receive(refund, officer, "10.01", voucher="RF-2")
    assert "more than the province is still owed" in refused.value.errors["amount"]
    receive(refund, officer, "10", voucher="RF-3")
    with pytest.raises(PaymentRefused) as refused:
        receive(refund, officer, "1", voucher="RF-4")
    assert refused.value.errors == {"amount": "This refund is repaid in full."}


def test_each_field_says_what_is_wrong(terminated):
    project, officer = terminated
    refund = shanghai_refund(project)
    receive(refund, officer, "1", voucher="RF-1")
    with pytest.raises(PaymentRefused) as refused:
        receive(refund, officer, "0", voucher="RF-1", on=TODAY + timedelta(days=1))
    assert set(refused.value.errors) == {"amount", "received_on", "voucher"}
    assert "already recorded" in refused.value.errors["voucher"]


def test_the_database_refuses_taking_back_more_than_owed(terminated):
    project, _ = terminated
    refund = shanghai_refund(project)
    with pytest.raises(IntegrityError), transaction.atomic():
        Refund.objects.filter(pk=refund.pk).update(repaid=refund.amount + D("0.01"))


def test_the_ledger_shows_what_is_owed_back_and_what_came_back(client, terminated):
    project, officer = terminated
    refund = shanghai_refund(project)
    receive(refund, officer, "1000.00")
    calls = Call.objects.filter(pk=project.proposal.call_id)
    rows = {
        row.province.code: row for row in ledger(calls, Province.objects.filter(is_funding=True))
    }
    assert rows["310000"].refund_owed == refund.amount
    assert rows["310000"].refunded == D("1000.00")
    assert rows["310000"].refund_outstanding == refund.amount - D("1000.00")
    zhejiang = Refund.objects.get(project=project, province_id="330000")
    assert (rows["330000"].refund_owed, rows["330000"].refunded) == (zhejiang.amount, D("0"))
    assert (rows["340000"].refund_owed, rows["340000"].refunded) == (D("0"), D("0"))
    client.force_login(officer)
    page = client.get("/ledger/").content.decode()
    assert "Refund owed" in page and "1,000.00" in page
    lines = client.get("/ledger/ledger.csv").content.decode("utf-8-sig").splitlines()
    assert lines[0].endswith("refund_owed,refunded")
    shanghai = next(line for line in lines if line.startswith("310000"))
    assert shanghai.endswith(f"{refund.amount:.2f},1000.00")
    assert client.get("/ledger/ledger.pdf").status_code == 200


def test_the_province_records_money_received_back(client, terminated):
    project, _ = terminated
    refund = shanghai_refund(project)
    officer = provincial_officer("310000")
    client.force_login(officer)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    url = f"/projects/{project.pk}/refunds/{refund.pk}/"
    assert url in page
    today = timezone.localdate()
    body = client.post(
        url, {"amount": "999,999,999", "received_on": str(today), "voucher": "SH-R-7"}
    ).content.decode()
    assert "more than the province is still owed" in body and 'value="SH-R-7"' in body
    response = client.post(url, {"amount": "2,000", "received_on": str(today), "voucher": "SH-R-7"})
    assert response.status_code == 302
    receipt = RefundReceipt.objects.get(refund=refund)
    assert (receipt.amount, receipt.voucher, receipt.recorded_by) == (D("2000"), "SH-R-7", officer)
    assert "SH-R-7" in client.get(url).content.decode()


def test_another_province_and_the_consortium_cannot_record_it(client, terminated):
    project, _ = terminated
    refund = shanghai_refund(project)
    url = f"/projects/{project.pk}/refunds/{refund.pk}/"
    client.force_login(provincial_officer("330000"))
    assert client.get(url).status_code == 404
    client.force_login(project.proposal.lead)
    assert client.get(url).status_code == 403
    assert not RefundReceipt.objects.exists()
