"""Payments recorded at the same moment on PostgreSQL: the instalment's row lock and the
database's constraints record each payment once and never more than the instalment."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from grants.models import Disbursement
from grants.models.decisions import Payment
from grants.projects import payments
from tests.grants.projects.factories import decided_call, first_project, provincial_officer
from tests.grants.projects.paying import start_projects

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

TODAY = date(2026, 6, 30)


@pytest.fixture
def running(reference):
    call, proposals, officer = decided_call()
    start_projects(call)
    project = first_project(proposals)

    def instalment(year):
        return Payment.objects.get(
            share__decision=project.decision, share__province="310000", year=year
        )

    return officer, provincial_officer("310000"), instalment


def at_once(*attempts):
    """Run each (instalment, actor, amount, voucher) in its own thread and connection, all
    released together; the refusals' fields, or "ok", in no particular order."""
    results, barrier = [], threading.Barrier(len(attempts))

    def attempt(instalment, actor, amount, voucher):
        from django.db import connections

        barrier.wait()
        try:
            payments.payment_record(
                instalment=instalment,
                actor=actor,
                amount=amount,
                paid_on=TODAY,
                voucher=voucher,
                today=TODAY,
            )
            results.append("ok")
        except payments.PaymentRefused as refused:
            results.append(refused.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=args) for args in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


def test_two_officers_paying_the_outstanding_amount_at_once_record_it_once(running):
    office, shanghai, instalment = running
    payment = instalment(1)
    results = at_once(
        (payment, office, payment.amount, "SH-A"), (payment, shanghai, payment.amount, "SH-B")
    )
    assert results == ["amount", "ok"]  # the second waits for the lock, then finds it paid
    payment.refresh_from_db()
    assert payment.paid == payment.amount and payment.paid_at is not None
    assert payment.disbursements.count() == 1


def test_the_same_voucher_twice_at_once_is_recorded_once(running):
    office, shanghai, instalment = running
    payment = instalment(1)
    results = at_once(
        (payment, office, Decimal("100.00"), "SH-SAME"),
        (payment, shanghai, Decimal("200.00"), "SH-SAME"),
    )
    assert results == ["ok", "voucher"]
    assert Disbursement.objects.filter(voucher="SH-SAME").count() == 1
    payment.refresh_from_db()
    assert payment.paid in (Decimal("100.00"), Decimal("200.00"))


def test_the_same_voucher_on_two_instalments_at_once_is_recorded_once(running):
    # Different rows, so no lock queues them: the database's unique voucher does.
    office, shanghai, instalment = running
    first, second = instalment(1), instalment(2)
    results = at_once(
        (first, office, Decimal("100.00"), "SH-TWICE"),
        (second, shanghai, Decimal("100.00"), "SH-TWICE"),
    )
    assert results == ["ok", "voucher"]
    assert Disbursement.objects.filter(voucher="SH-TWICE").count() == 1
    paid = sorted(
        Payment.objects.filter(pk__in=[first.pk, second.pk]).values_list("paid", flat=True)
    )
    assert paid == [Decimal("0.00"), Decimal("100.00")]
