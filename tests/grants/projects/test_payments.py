"""Recording payments against a project's instalments: the workflow, the page and its forms."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from grants.funding import payments as ledger_payments
from grants.models import AuditEntry, Call, Disbursement, ProjectStatus, Province
from grants.models.decisions import Payment
from grants.projects import payments
from grants.projects.payments import PaymentRefused
from tests.factories import make_user
from tests.grants.projects.factories import decided_call, first_project, provincial_officer
from tests.grants.projects.paying import start_projects

TODAY = date(2026, 6, 30)


@pytest.fixture
def running(reference):
    """The first funded project running; Shanghai and Zhejiang pay it."""
    call, proposals, officer = decided_call()
    start_projects(call)
    return call, first_project(proposals), officer


def instalment(project, province="310000", year=1):
    return Payment.objects.get(
        share__decision=project.decision, share__province=province, year=year
    )


def pay(payment, actor, amount, *, paid_on=TODAY, voucher="SH-001"):
    return payments.payment_record(
        instalment=payment,
        actor=actor,
        amount=Decimal(amount),
        paid_on=paid_on,
        voucher=voucher,
        today=TODAY,
    )


def test_part_payments_add_up_and_the_last_marks_the_instalment_paid(running):
    _call, project, officer = running
    payment = instalment(project)
    half = Decimal("1000.50")
    pay(payment, officer, half, voucher="SH-001")
    payment.refresh_from_db()
    assert payment.paid == half and payment.paid_at is None
    pay(payment, officer, payment.amount - half, voucher="SH-002")
    payment.refresh_from_db()
    assert payment.paid == payment.amount and payment.paid_at is not None
    assert list(payment.disbursements.values_list("voucher", flat=True)) == ["SH-001", "SH-002"]
    entry = AuditEntry.objects.filter(action="project.payment_recorded").order_by("pk").last()
    assert entry.proposal_id == project.proposal_id
    assert entry.after["voucher"] == "SH-002" and entry.after["outstanding"] == "0.00"


@pytest.mark.parametrize(
    ("amount", "paid_on", "voucher", "field", "message"),
    [
        ("0", TODAY, "V-9", "amount", "Enter an amount above zero."),
        ("-1", TODAY, "V-9", "amount", "Enter an amount above zero."),
        (
            "999999999",
            TODAY,
            "V-9",
            "amount",
            "The amount is more than what is outstanding on this instalment",
        ),
        ("10", TODAY + timedelta(days=1), "V-9", "paid_on", "cannot be in the future"),
        ("10", TODAY, " ", "voucher", "Enter the voucher number."),
        ("10", TODAY, "SH-001", "voucher", "already recorded for your province"),
    ],
)
def test_a_refused_payment_says_why_beside_the_field(
    running, amount, paid_on, voucher, field, message
):
    _call, project, officer = running
    pay(instalment(project, year=2), officer, "1", voucher="SH-001")
    payment = instalment(project)
    with pytest.raises(PaymentRefused) as refused:
        pay(payment, officer, amount, paid_on=paid_on, voucher=voucher)
    assert list(refused.value.errors) == [field]
    assert message in str(refused.value.errors[field])
    payment.refresh_from_db()
    assert payment.paid == 0 and not payment.disbursements.exists()


def test_the_same_voucher_is_fine_in_another_province(running):
    _call, project, officer = running
    pay(instalment(project, "310000"), officer, "1", voucher="2026-01")
    pay(instalment(project, "330000"), officer, "1", voucher="2026-01")
    assert Disbursement.objects.filter(voucher="2026-01").count() == 2


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (ProjectStatus.DRAFTING, "A province pays once the project has started"),
        (ProjectStatus.SIGNING, "A province pays once the project has started"),
        (ProjectStatus.SUSPENDED, "only while the project is running"),
        (ProjectStatus.TERMINATED, "only while the project is running"),
        (ProjectStatus.COMPLETED, "only while the project is running"),
    ],
)
def test_only_a_running_project_is_paid(running, status, message):
    _call, project, officer = running
    type(project).objects.filter(pk=project.pk).update(status=status)
    with pytest.raises(PaymentRefused) as refused:
        pay(instalment(project), officer, "1")
    assert message in str(refused.value.errors["amount"])


def test_the_database_refuses_an_overpayment_and_a_voucher_twice(running):
    _call, project, officer = running
    payment = instalment(project)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(paid=payment.amount + 1)
    pay(payment, officer, "1", voucher="SH-7")
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.create(
            instalment=instalment(project, year=2),
            province_id="310000",
            amount=1,
            paid_on=TODAY,
            voucher="SH-7",
            recorded_by=officer,
        )


def test_the_ledger_shows_paid_and_outstanding(running):
    call, project, officer = running
    payment = instalment(project)
    pay(payment, officer, "1000.50")
    rows = {
        row.province.code: row
        for row in ledger_payments.ledger(
            Call.objects.filter(pk=call.pk), Province.objects.filter(is_funding=True)
        )
    }
    assert rows["310000"].paid == Decimal("1000.50")
    assert rows["310000"].paid_by_year == {1: Decimal("1000.50")}
    assert rows["310000"].outstanding == rows["310000"].committed - Decimal("1000.50")
    assert rows["330000"].paid == 0


# ---- the page ---------------------------------------------------------------------------------


def page_url(project):
    return f"/projects/{project.pk}/payments/"


def pay_url(project, payment):
    return f"/projects/{project.pk}/payments/{payment.pk}/"


def test_the_fund_office_sees_every_paying_province_and_a_form_per_instalment(client, running):
    _call, project, officer = running
    client.force_login(officer)
    response = client.get(page_url(project))
    assert 'data-province="310000"' in response.text and 'data-province="330000"' in response.text
    payment = instalment(project)
    assert f'action="{pay_url(project, payment)}"' in response.text
    assert f'name="i{payment.pk}-amount"' in response.text
    detail = client.get(f"/projects/{project.pk}/")
    assert f'href="{page_url(project)}"' in detail.text


def test_a_provincial_officer_sees_and_pays_only_their_province(client, running):
    _call, project, _officer = running
    shanghai = provincial_officer("310000")
    client.force_login(shanghai)
    response = client.get(page_url(project))
    assert 'data-province="310000"' in response.text
    assert 'data-province="330000"' not in response.text
    zhejiang_instalment = instalment(project, "330000")
    refused = client.post(
        pay_url(project, zhejiang_instalment),
        {
            f"i{zhejiang_instalment.pk}-amount": "1",
            f"i{zhejiang_instalment.pk}-paid_on": "2026-01-02",
        },
    )
    assert refused.status_code == 404
    assert not Disbursement.objects.exists()


def test_the_consortium_sees_the_schedule_but_not_the_payments_page(client, running):
    _call, project, _officer = running
    client.force_login(project.proposal.lead)
    assert client.get(page_url(project)).status_code == 403
    assert f'href="{page_url(project)}"' not in client.get(f"/projects/{project.pk}/").text


def test_a_valid_payment_posted_is_recorded_and_shown(client, running):
    _call, project, _officer = running
    shanghai = provincial_officer("310000")
    payment = instalment(project)
    client.force_login(shanghai)
    today = timezone.localdate().isoformat()
    response = client.post(
        pay_url(project, payment),
        {
            f"i{payment.pk}-amount": "12,000.50",
            f"i{payment.pk}-paid_on": today,
            f"i{payment.pk}-voucher": "沪财-2026-18",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{page_url(project)}#instalment-{payment.pk}"
    assert "recorded against year 1" in response.text
    assert "沪财-2026-18" in response.text
    disbursement = Disbursement.objects.get()
    assert disbursement.amount == Decimal("12000.50") and disbursement.province_id == "310000"
    assert disbursement.recorded_by == shanghai
    payment.refresh_from_db()
    assert payment.paid == Decimal("12000.50")


def test_an_invalid_payment_shows_the_errors_and_keeps_what_was_typed(client, running):
    _call, project, officer = running
    payment = instalment(project)
    client.force_login(officer)
    response = client.post(
        pay_url(project, payment),
        {
            f"i{payment.pk}-amount": "99,999,999",
            f"i{payment.pk}-paid_on": "2999-01-01",
            f"i{payment.pk}-voucher": "V-77",
        },
    )
    assert response.status_code == 200
    assert f'id="id_i{payment.pk}-amount_error"' in response.text
    assert "more than what is outstanding" in response.text
    assert f'id="id_i{payment.pk}-paid_on_error"' in response.text
    assert 'value="99,999,999"' in response.text and 'value="V-77"' in response.text
    assert not Disbursement.objects.exists()


def test_a_badly_typed_amount_is_refused_by_the_form(client, running):
    _call, project, officer = running
    payment = instalment(project)
    client.force_login(officer)
    response = client.post(
        pay_url(project, payment),
        {
            f"i{payment.pk}-amount": "1E+5",
            f"i{payment.pk}-paid_on": "",
            f"i{payment.pk}-voucher": "",
        },
    )
    assert response.status_code == 200
    errors = response.context["rows"][0].instalments[0].form.errors
    assert set(errors) == {"amount", "paid_on", "voucher"}
    assert not Disbursement.objects.exists()


def test_a_project_not_started_shows_why_and_offers_no_form(client, reference):
    _call, proposals, officer = decided_call()
    project = first_project(proposals)
    client.force_login(officer)
    response = client.get(page_url(project))
    assert "A province pays once the project has started" in response.text
    assert '<form method="post"' not in response.text


def test_an_officer_of_a_province_that_pays_nothing_gets_a_404(client, running):
    _call, project, _officer = running
    client.force_login(provincial_officer("340000"))
    assert client.get(page_url(project)).status_code == 404
    client.force_login(make_user(institution="南京大学"))
    assert client.get(page_url(project)).status_code == 404


def test_the_ledger_page_csv_and_pdf_show_what_was_paid_and_what_is_outstanding(client, running):
    import csv
    import io
    import re

    from pypdf import PdfReader

    call, project, officer = running
    pay(instalment(project), officer, "1000.50")
    client.force_login(provincial_officer("310000"))
    page = client.get(f"/ledger/?call={call.code}")
    row = page.context["rows"][0]
    assert row.province.code == "310000" and row.paid == Decimal("1000.50")
    assert "¥1,000.50" in page.text
    outstanding = row.committed - Decimal("1000.50")
    assert f"{outstanding:,.2f}" in page.text
    assert "(¥1,000.50 paid)" in page.text  # the schedule's part-paid instalment
    lines = list(
        csv.reader(
            io.StringIO(
                client.get(f"/ledger/ledger.csv?call={call.code}").content.decode("utf-8-sig")
            )
        )
    )
    assert lines[0][4:6] == ["paid", "outstanding"]
    assert lines[1][4:6] == ["1000.50", f"{outstanding:.2f}"]
    pdf = client.get(f"/ledger/ledger.pdf?call={call.code}")
    text = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    )
    assert "待拨付Outstanding" in text and f"¥1,000.50¥{outstanding:,.2f}" in text


def test_the_payments_page_costs_the_same_queries_however_many_payments(client, running):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _call, project, officer = running
    client.force_login(officer)
    pay(instalment(project), officer, "1", voucher="Q-1")
    client.get(page_url(project))
    with CaptureQueriesContext(connection) as few:
        client.get(page_url(project))
    for n, year in enumerate((1, 2, 3, 2, 3), start=2):
        pay(instalment(project, year=year), officer, "1", voucher=f"Q-{n}")
        pay(instalment(project, "330000", year), officer, "1", voucher=f"Q-{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(page_url(project))
    assert len(many) == len(few)
