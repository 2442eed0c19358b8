import csv
import io
import re
import threading

import pytest
from django.core import mail
from django.db import connection
from pypdf import PdfReader

from grants.core.errors import WorkflowError
from grants.funding import decisions, outcomes, payments
from grants.models import Call, Province, Role
from grants.models.decisions import Decision, FundingRound, Outcome
from tests.factories import make_user
from tests.grants.projects.paying import pay_year, start_projects
from tests.reviews.factories import make_panel_call

# Each proposal asks ¥390,000 from Shanghai and ¥390,000 from Zhejiang (tests.factories).
POOLS = {"310000": 2_000_000, "320000": 1_000_000, "330000": 800_000, "340000": 1_000_000}


@pytest.fixture
def panel_call(reference):
    return make_panel_call(contributions=POOLS)


def funding_provinces():
    return Province.objects.filter(is_funding=True)


def test_commit_funds_down_the_ranking_and_the_ledger_adds_up(panel_call):
    call, proposals, officer = panel_call
    decisions.funding_commit(call=call, actor=officer)
    verdicts = {d.proposal_id: d.outcome for d in Decision.objects.all()}
    # Zhejiang's ¥800,000 pays two shares of ¥390,000; the third proposal waits on the reserve list.
    assert [verdicts[p.pk] for p in proposals] == [Outcome.FUNDED, Outcome.FUNDED, Outcome.RESERVE]
    assert Decision.objects.get(proposal=proposals[2]).skipped_for_id == "330000"
    for row in payments.ledger(Call.objects.filter(pk=call.pk), funding_provinces()):
        assert row.committed <= row.contributed
        assert row.remaining == row.contributed - row.committed
    rows = {
        r.province.code: r
        for r in payments.ledger(Call.objects.filter(pk=call.pk), funding_provinces())
    }
    assert rows["330000"].committed == 780_000 and rows["310000"].committed == 780_000


def test_a_cut_is_recomputed_per_province(panel_call):
    call, proposals, officer = panel_call
    decisions.funding_commit(call=call, actor=officer, cuts={proposals[0].pk: 10})
    decision = Decision.objects.get(proposal=proposals[0])
    assert decision.total == 702_000
    assert sorted(s.committed for s in decision.shares.all()) == [351_000, 351_000]
    assert sum(p.amount for s in decision.shares.all() for p in s.payments.all()) == 702_000


def test_funding_is_committed_once(panel_call):
    call, _, officer = panel_call
    decisions.funding_commit(call=call, actor=officer)
    with pytest.raises(WorkflowError, match="already been committed"):
        decisions.funding_commit(call=call, actor=officer)


def test_decision_waits_for_every_province_then_letters_go_out(panel_call):
    call, proposals, officer = panel_call
    decisions.funding_commit(call=call, actor=officer)
    with pytest.raises(WorkflowError, match="confirm"):
        outcomes.call_decide(call=call, actor=officer)
    for code in ("310000", "320000", "330000", "340000"):
        decisions.province_confirm(
            call=call,
            actor=make_user(roles=[Role.PROVINCIAL_OFFICER], province=code),
            province_code=code,
        )
    assert FundingRound.objects.get(call=call).final_at
    mail.outbox.clear()
    outcomes.call_decide(call=call, actor=officer)
    letters = [m for m in mail.outbox if proposals[0].reference in m.subject]
    assert letters and letters[0].attachments[0][0] == f"{proposals[0].reference}-award.pdf"
    rejected = next(m for m in mail.outbox if proposals[2].reference in m.subject)
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(rejected.attachments[0][1])).pages
    )
    assert "Review1" in re.sub(r"\s+", "", text)
    for reviewer_name in {a.reviewer.name for a in proposals[2].assignments.all()}:
        assert reviewer_name not in text


def test_ledger_csv_for_the_finance_systems(client, panel_call):
    call, _, officer = panel_call
    decisions.funding_commit(call=call, actor=officer)
    client.force_login(officer)
    response = client.get(f"/ledger/ledger.csv?call={call.code}")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "province_code",
        "province",
        "contributed",
        "committed",
        "paid",
        "outstanding",
        "remaining",
        "refund_owed",
        "refunded",
    ]
    assert rows[1] == [
        "310000",
        "上海市",
        "2000000.00",
        "780000.00",
        "0.00",
        "780000.00",
        "1220000.00",
        "0.00",
        "0.00",
    ]
    assert len(rows) == 5


def test_provincial_officer_sees_only_their_province(client, panel_call):
    call, _, officer = panel_call
    decisions.funding_commit(call=call, actor=officer)
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000"))
    page = client.get(f"/ledger/?call={call.code}")
    assert 'data-province="310000"' in page.text and 'data-province="330000"' not in page.text
    rows = list(
        csv.reader(io.StringIO(client.get("/ledger/ledger.csv").content.decode("utf-8-sig")))
    )
    assert [row[0] for row in rows[1:]] == ["310000"]


def test_payments_recorded_show_as_paid(panel_call):
    call, _, officer = panel_call
    call.provincial_confirmation_required = False
    call.save()
    decisions.funding_commit(call=call, actor=officer)
    outcomes.call_decide(call=call, actor=officer)
    start_projects(call)
    pay_year(call, officer, 1)
    rows = {
        r.province.code: r
        for r in payments.ledger(Call.objects.filter(pk=call.pk), funding_provinces())
    }
    # Each project's ¥780,000 over three equal years: a third per year, per province.
    assert rows["310000"].paid == 260_000 and rows["310000"].paid_by_year == {1: 260_000}
    assert rows["310000"].outstanding == 520_000


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_officers_committing_at_once_never_overspend(reference):
    call, _, officer = make_panel_call(contributions=POOLS)
    other = make_user(roles=[Role.FUND_OFFICER])
    results, barrier = [], threading.Barrier(2)

    def commit(actor):
        from django.db import connections

        barrier.wait()
        try:
            decisions.funding_commit(call=call, actor=actor)
            results.append("ok")
        except WorkflowError as error:
            results.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=commit, args=(actor,)) for actor in (officer, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["committed", "ok"]  # the second waits for the lock, then is refused
    assert FundingRound.objects.filter(call=call).count() == 1
    for row in payments.ledger(Call.objects.filter(pk=call.pk), funding_provinces()):
        assert row.committed <= row.contributed


def test_the_consortium_downloads_its_letter_once_decided(client, panel_call):
    call, proposals, officer = panel_call
    call.provincial_confirmation_required = False
    call.save()
    decisions.funding_commit(call=call, actor=officer)
    outcomes.call_decide(call=call, actor=officer)
    client.force_login(proposals[0].lead)
    response = client.get(f"/proposals/{proposals[0].pk}/letter/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    )
    assert proposals[0].reference in text and "¥780,000.00" in text
    assert client.get(f"/proposals/{proposals[0].pk}/evaluation/").status_code == 200
    client.force_login(make_user(institution="南京大学"))
    assert client.get(f"/proposals/{proposals[0].pk}/letter/").status_code == 404


def test_the_ranking_reads_the_stored_scores_verdicts_and_frozen_amounts(reference):
    from decimal import Decimal

    from reviews.models import PanelEntry

    call, proposals, _officer = make_panel_call(scores=("4.5", "2", "4"), contributions=POOLS)
    # After the lock the chair records a consensus score: it is shown, the locked order stays.
    PanelEntry.objects.filter(proposal=proposals[2]).update(consensus_score=Decimal("4.8"))
    places = decisions.locked_ranking(call)
    assert [place.pk for place in places] == [proposals[0].pk, proposals[2].pk, proposals[1].pk]
    assert [place.score for place in places] == [Decimal("4.5"), Decimal("4.8"), Decimal("2")]
    # 2 on every criterion is below the criteria's threshold of 3.
    assert [place.fundable for place in places] == [True, True, False]
    # Why, as reviews.scoring gave it; the fundable ones carry no reason.
    assert [place.reasons for place in places] == [
        (),
        (),
        ("below_overall_threshold", "below_criterion_threshold"),
    ]
    assert all(
        place.requested == {"310000": Decimal("390000.00"), "330000": Decimal("390000.00")}
        for place in places
    )
    assert [place.reference for place in places] == [
        proposals[0].reference,
        proposals[2].reference,
        proposals[1].reference,
    ]


def test_a_decision_not_funded_keeps_its_reason_for_the_pages_and_the_letter(reference):
    call, (weak,), officer = make_panel_call(scores=("2",), contributions=POOLS)
    decisions.funding_commit(call=call, actor=officer)
    decision = Decision.objects.get(proposal=weak)
    assert decision.outcome == Outcome.BELOW_THRESHOLD
    assert decision.reasons == ["below_overall_threshold", "below_criterion_threshold"]
    assert decision.outcome_text == (
        "Not funded: below the overall threshold; below a criterion's threshold"
    )
    note = outcomes.letter_data(weak, decision).outcome_note
    assert note == (
        "不予资助：总分低于资助线；单项评分低于门槛 "
        "Not funded: below the overall threshold; below a criterion's threshold"
    )


def test_no_ranking_while_a_panel_is_open(reference):
    from reviews.models import Panel

    call, _proposals, _officer = make_panel_call(contributions=POOLS)
    Panel.objects.filter(call=call).update(locked_at=None)
    assert decisions.locked_ranking(call) is None
