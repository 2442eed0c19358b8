"""Recording payments from the ledger: the form offers the project years with unpaid
instalments, and the workflow refuses any other year."""

import pytest

from grants.core.errors import WorkflowError
from grants.funding import decisions, payments
from grants.models import AuditEntry, Role
from grants.models.decisions import Payment
from tests.factories import make_user
from tests.reviews.factories import make_panel_call

PLENTY = {"310000": 90_000_000, "320000": 90_000_000, "330000": 90_000_000, "340000": 90_000_000}


@pytest.fixture
def committed(reference):
    """Three awards, each paid by Shanghai and Zhejiang over three project years."""
    call, ranked, officer = make_panel_call(contributions=PLENTY)
    decisions.funding_commit(call=call, actor=officer)
    return call, officer


def year_choices(response):
    return [value for value, _label in response.context["payment_form"].fields["year"].choices]


def test_the_ledger_offers_only_the_years_left_to_pay(client, committed):
    call, officer = committed
    payments.payments_record(call=call, actor=officer, year=1)
    client.force_login(officer)
    response = client.get(f"/ledger/?call={call.code}")
    assert year_choices(response) == ["", 2, 3]
    assert f'action="/office/calls/{call.code}/payments/"' in response.text


def test_provincial_officers_get_no_payment_form(client, committed):
    call, _officer = committed
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000"))
    response = client.get(f"/ledger/?call={call.code}")
    assert response.context["payment_form"] is None
    assert 'id="payments"' not in response.text


def test_recording_a_year_marks_its_instalments_paid_and_audits(client, committed):
    call, officer = committed
    client.force_login(officer)
    response = client.post(f"/office/calls/{call.code}/payments/", {"year": "2"}, follow=True)
    assert "6 instalments of year 2 recorded as paid." in response.text
    assert not Payment.objects.filter(year=2, paid_at__isnull=True).exists()
    assert not Payment.objects.filter(year__in=[1, 3], paid_at__isnull=False).exists()
    entry = AuditEntry.objects.get(action="payments.recorded")
    assert entry.after == {"year": 2, "province": None, "count": 6}
    assert year_choices(response) == ["", 1, 3]


@pytest.mark.parametrize("year", ["9", "0", "two", ""])
def test_a_year_that_does_not_exist_is_refused_beside_the_field(client, committed, year):
    call, officer = committed
    client.force_login(officer)
    response = client.post(f"/office/calls/{call.code}/payments/", {"year": year})
    assert response.status_code == 200
    errors = response.context["payment_form"].errors["year"]
    expected = (
        "Choose the project year."
        if not year
        else "Choose one of the project years that still have instalments to pay."
    )
    assert errors == [expected]
    assert 'id="id_year_error"' in response.text
    assert not Payment.objects.filter(paid_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="payments.recorded").exists()


def test_nothing_left_to_pay_says_so(client, committed):
    call, officer = committed
    for year in (1, 2, 3):
        payments.payments_record(call=call, actor=officer, year=year)
    client.force_login(officer)
    page = client.get(f"/ledger/?call={call.code}")
    assert year_choices(page) == [""]
    assert "Every instalment of this call's awards is paid." in page.text
    response = client.post(f"/office/calls/{call.code}/payments/", {"year": "1"})
    assert response.status_code == 200
    assert "Choose one of the project years that still have instalments to pay." in response.text
    assert AuditEntry.objects.filter(action="payments.recorded").count() == 3


@pytest.mark.parametrize("year", [1, 9, 0])
def test_the_workflow_refuses_a_year_without_unpaid_instalments(committed, year):
    call, officer = committed
    if year == 1:
        payments.payments_record(call=call, actor=officer, year=1)
    with pytest.raises(WorkflowError) as refused:
        payments.payments_record(call=call, actor=officer, year=year)
    assert refused.value.code == "year"
