"""The fund office's payment run: what is outstanding on a project year of a call's running
projects, paid at once, one disbursement per instalment under the run's voucher."""

import pytest
from django.utils import timezone

from grants.models import AuditEntry, Disbursement, Project, ProjectStatus
from grants.models.decisions import Payment
from grants.projects import payments
from grants.projects.payments import PaymentRefused
from tests.grants.projects.factories import decided_call, first_project, provincial_officer
from tests.grants.projects.paying import PAID_ON, pay_year, start_projects


@pytest.fixture
def running(reference):
    """Two funded projects running, each paid by Shanghai and Zhejiang over its years."""
    call, proposals, officer = decided_call()
    start_projects(call)
    return call, proposals, officer


def url(call):
    return f"/office/calls/{call.code}/payments/"


def year_choices(response):
    return [value for value, _label in response.context["form"].fields["year"].choices]


def test_the_page_offers_only_the_years_left_to_pay(client, running):
    call, _proposals, officer = running
    pay_year(call, officer, 1)
    client.force_login(officer)
    response = client.get(url(call))
    assert year_choices(response) == ["", 2, 3]
    assert f'action="{url(call)}"' in response.text
    ledger = client.get(f"/ledger/?call={call.code}")
    assert f'href="{url(call)}"' in ledger.text


def test_provincial_officers_get_no_payment_run(client, running):
    call, _proposals, _officer = running
    client.force_login(provincial_officer("310000"))
    assert 'id="payments"' not in client.get(f"/ledger/?call={call.code}").text
    assert client.get(url(call)).status_code == 403


def test_a_run_pays_what_is_outstanding_and_audits(client, running):
    call, proposals, officer = running
    project = first_project(proposals)
    part = Payment.objects.get(share__decision=project.decision, share__province="310000", year=2)
    payments.payment_record(
        instalment=part,
        actor=officer,
        amount=part.amount - 100,
        paid_on=PAID_ON,
        voucher="SH-9",
        today=PAID_ON,
    )
    client.force_login(officer)
    response = client.post(
        url(call),
        {"year": "2", "voucher": "RUN-2026", "paid_on": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "4 instalments of year 2 recorded as paid." in response.text
    assert not Payment.objects.filter(year=2, paid_at__isnull=True).exists()
    assert not Payment.objects.filter(year__in=[1, 3], paid__gt=0).exists()
    topped_up = part.disbursements.order_by("pk").last()
    assert topped_up.amount == 100
    assert topped_up.voucher == f"RUN-2026/{project.proposal.reference}"
    assert Disbursement.objects.filter(voucher__startswith="RUN-2026/").count() == 4
    entry = AuditEntry.objects.get(action="payments.recorded")
    assert entry.after["year"] == 2 and entry.after["count"] == 4
    assert entry.after["voucher"] == "RUN-2026"


def test_a_run_leaves_projects_that_have_not_started(running):
    call, proposals, officer = running
    Project.objects.filter(proposal=proposals[1]).update(status=ProjectStatus.SIGNING)
    assert pay_year(call, officer, 1) == 2
    assert not Payment.objects.filter(share__decision__proposal=proposals[1], paid__gt=0).exists()


@pytest.mark.parametrize("year", ["9", "0", "two", ""])
def test_a_year_that_does_not_exist_is_refused_beside_the_field(client, running, year):
    call, _proposals, officer = running
    client.force_login(officer)
    response = client.post(url(call), {"year": year, "voucher": "R-1", "paid_on": "2026-01-05"})
    assert response.status_code == 200
    expected = (
        "Choose the project year."
        if not year
        else "Choose one of the project years that still have instalments to pay."
    )
    assert response.context["form"].errors["year"] == [expected]
    assert 'id="id_year_error"' in response.text
    assert not Disbursement.objects.exists()


def test_a_run_voucher_used_before_or_a_future_date_is_refused(client, running):
    call, _proposals, officer = running
    pay_year(call, officer, 1, voucher="R-1")
    client.force_login(officer)
    response = client.post(url(call), {"year": "2", "voucher": "R-1", "paid_on": "2999-01-01"})
    errors = response.context["form"].errors
    assert "already recorded for your province" in errors["voucher"][0]
    assert "cannot be in the future" in errors["paid_on"][0]
    assert 'value="R-1"' in response.text
    assert not Payment.objects.filter(year=2, paid__gt=0).exists()


def test_nothing_left_to_pay_says_so(client, running):
    call, _proposals, officer = running
    for year in (1, 2, 3):
        pay_year(call, officer, year)
    client.force_login(officer)
    page = client.get(url(call))
    assert year_choices(page) == [""]
    assert "No running project of this call owes an instalment." in page.text
    response = client.post(url(call), {"year": "1", "voucher": "R-9", "paid_on": "2026-01-05"})
    assert response.status_code == 200
    assert "Choose one of the project years that still have instalments to pay." in response.text
    assert AuditEntry.objects.filter(action="payments.recorded").count() == 3


@pytest.mark.parametrize("year", [1, 9, 0])
def test_the_workflow_refuses_a_year_without_outstanding_instalments(running, year):
    call, _proposals, officer = running
    if year == 1:
        pay_year(call, officer, 1)
    with pytest.raises(PaymentRefused) as refused:
        pay_year(call, officer, year, voucher="again")
    assert list(refused.value.errors) == ["year"]


def test_a_run_voucher_is_unique_per_province_not_across_provinces(running):
    call, _proposals, officer = running
    payments.year_record(
        call=call,
        actor=officer,
        year=1,
        voucher="R-1",
        paid_on=PAID_ON,
        province_code="310000",
        today=PAID_ON,
    )
    # Only Zhejiang's instalments are left in year 1: the same run voucher is new to Zhejiang.
    assert pay_year(call, officer, 1, voucher="R-1") == 2
    assert set(
        Disbursement.objects.filter(voucher__startswith="R-1/").values_list(
            "province_id", flat=True
        )
    ) == {"310000", "330000"}
