"""The draw at the funding line: seed, witness, the draw once, annulment, and funding after it."""

import pytest

from grants.core.errors import WorkflowError
from grants.funding import decisions, draws, outcomes
from grants.funding.letters import DRAWN, DRAWN_UNPAID, NOT_DRAWN
from grants.models import AuditEntry, Role
from grants.models.decisions import Decision, FundingDraw, FundingRound, Outcome
from reviews.models import RankingFit
from tests.factories import make_user
from tests.grants.funding.draw_setup import (
    POOLS,
    add_fit,
    make_draw_call,
    seed_putting_first,
    witness_officer,
)
from tests.reviews.factories import make_panel_call


@pytest.fixture
def draw_call(reference):
    return make_draw_call()


def held(call, officer, seed):
    draws.draw_seed_fix(call=call, actor=officer, seed=seed)
    draws.draw_witness_record(call=call, actor=officer, witness=witness_officer())
    return draws.draw_run(call=call, actor=officer)


def funded(call):
    return [award.proposal for award in decisions.simulate_call(call).outcome.funded]


def test_the_draw_stores_the_group_and_funding_follows_its_order(draw_call):
    call, (first, second, third), officer = draw_call
    assert funded(call) == [first.pk, second.pk]
    draw = held(call, officer, seed_putting_first(third, [second, third]))
    assert (draw.line, draw.places) == (2, 1)
    assert [member["reference"] for member in draw.group] == [second.reference, third.reference]
    assert [(m["low"], m["high"]) for m in draw.group] == [(1, 3), (2, 3)]
    assert draw.order == [third.pk, second.pk]
    assert draw.fit == RankingFit.objects.get(call=call)
    # The drawn proposal takes the group's first place under the same pools.
    assert funded(call) == [first.pk, third.pk]
    actions = list(AuditEntry.objects.filter(call=call).values_list("action", flat=True))
    for action in ("funding.draw_seed_fixed", "funding.draw_witnessed", "funding.draw_run"):
        assert action in actions
    run = AuditEntry.objects.get(call=call, action="funding.draw_run")
    assert run.after["order"] == [third.reference, second.reference]
    assert run.after["drawn"] == [third.reference]


def test_the_same_seed_on_the_same_group_gives_the_same_order(draw_call):
    call, (_, second, third), officer = draw_call
    seed = seed_putting_first(second, [second, third])
    first_order = held(call, officer, seed).order
    draws.draw_annul(call=call, actor=officer, reason="测试复现")
    assert held(call, officer, seed).order == first_order


def test_the_draw_runs_once_and_again_only_after_an_annulment_with_a_reason(draw_call):
    call, (first, second, third), officer = draw_call
    held(call, officer, "2026")
    with pytest.raises(WorkflowError, match="never run again"):
        draws.draw_run(call=call, actor=officer)
    with pytest.raises(WorkflowError, match="already fixed"):
        draws.draw_seed_fix(call=call, actor=officer, seed="other")
    with pytest.raises(WorkflowError, match="Say why"):
        draws.draw_annul(call=call, actor=officer, reason="  ")
    draws.draw_annul(call=call, actor=officer, reason="见证人未到场")
    annulled = FundingDraw.objects.get(call=call)
    assert annulled.annul_reason == "见证人未到场" and annulled.annulled_by == officer
    entry = AuditEntry.objects.get(call=call, action="funding.draw_annulled")
    assert entry.note == "见证人未到场" and entry.before["seed"] == "2026"
    # The annulled draw no longer orders funding.
    assert funded(call) == [first.pk, second.pk]
    held(call, officer, seed_putting_first(third, [second, third]))
    assert FundingDraw.objects.filter(call=call).count() == 2


def test_an_empty_seed_lets_the_portal_draw_one(draw_call):
    call, _, officer = draw_call
    draw = draws.draw_seed_fix(call=call, actor=officer, seed="")
    assert len(draw.seed) == 16 and int(draw.seed, 16) >= 0
    assert AuditEntry.objects.get(action="funding.draw_seed_fixed").after["typed"] is False


def test_the_steps_come_in_order(draw_call):
    call, _, officer = draw_call
    with pytest.raises(WorkflowError, match="Fix the seed"):
        draws.draw_witness_record(call=call, actor=officer, witness_name="张公证")
    with pytest.raises(WorkflowError, match="Fix the seed"):
        draws.draw_run(call=call, actor=officer)
    draws.draw_seed_fix(call=call, actor=officer, seed="s")
    with pytest.raises(WorkflowError, match="witness"):
        draws.draw_run(call=call, actor=officer)
    draws.draw_witness_record(call=call, actor=officer, witness_name="张公证 上海市东方公证处")
    with pytest.raises(WorkflowError, match="already recorded"):
        draws.draw_witness_record(call=call, actor=officer, witness_name="另一人")
    draw = draws.draw_run(call=call, actor=officer)
    assert draw.witness_shown == "张公证 上海市东方公证处" and draw.witness is None


@pytest.mark.parametrize("who", ["self", "seed_fixer", "not_an_officer", "both", "neither"])
def test_the_witness_is_another_fund_officer_or_one_named_person(draw_call, who):
    call, _, officer = draw_call
    recorder = witness_officer()
    draws.draw_seed_fix(call=call, actor=officer, seed="s")
    witness, name = {
        "self": (recorder, ""),
        "seed_fixer": (officer, ""),
        "not_an_officer": (make_user(roles=[Role.PANEL_CHAIR], institution="清华大学"), ""),
        "both": (witness_officer(), "张公证"),
        "neither": (None, " "),
    }[who]
    with pytest.raises(WorkflowError):
        draws.draw_witness_record(call=call, actor=recorder, witness=witness, witness_name=name)


def test_a_call_that_does_not_draw_refuses(draw_call):
    call, _, officer = draw_call
    call.draw_at_funding_line = False
    call.save(update_fields=["draw_at_funding_line"])
    with pytest.raises(WorkflowError, match="does not draw"):
        draws.draw_seed_fix(call=call, actor=officer, seed="s")


def test_the_draw_reads_the_latest_finished_fit(draw_call):
    call, proposals, officer = draw_call
    RankingFit.objects.filter(call=call).update(status=RankingFit.Status.FAILED)
    draws.draw_seed_fix(call=call, actor=officer, seed="s")
    draws.draw_witness_record(call=call, actor=officer, witness_name="张公证")
    with pytest.raises(WorkflowError, match="no finished calibrated ranking"):
        draws.draw_run(call=call, actor=officer)
    # A newer finished fit with narrow intervals: nobody straddles the line, nothing is drawn.
    add_fit(call, proposals, officer, [(1, 1), (2, 2), (3, 3)])
    draw = draws.draw_run(call=call, actor=officer)
    assert draw.group == [] and draw.order == [] and draw.line == 2


def test_commit_waits_for_a_draw_under_way_then_stands(draw_call):
    call, (first, second, third), officer = draw_call
    draws.draw_seed_fix(call=call, actor=officer, seed=seed_putting_first(third, [second, third]))
    with pytest.raises(WorkflowError, match="under way"):
        decisions.funding_commit(call=call, actor=officer)
    draws.draw_witness_record(call=call, actor=officer, witness_name="张公证")
    draws.draw_run(call=call, actor=officer)
    decisions.funding_commit(call=call, actor=officer)
    committed = AuditEntry.objects.get(call=call, action="funding.committed")
    assert committed.after["draw_seed"] == FundingDraw.objects.get(call=call).seed
    verdicts = dict(Decision.objects.values_list("proposal_id", "outcome"))
    assert verdicts == {first.pk: Outcome.FUNDED, third.pk: Outcome.FUNDED, second.pk: "reserve"}
    with pytest.raises(WorkflowError, match="draw stands"):
        draws.draw_annul(call=call, actor=officer, reason="太晚了")


def test_commit_is_refused_while_a_group_straddles_the_line_undrawn(draw_call):
    call, (first, second, third), officer = draw_call
    with pytest.raises(WorkflowError, match="hold the draw") as refused:
        decisions.funding_commit(call=call, actor=officer)
    assert refused.value.code == "draw_owed"
    assert not FundingRound.objects.filter(call=call).exists()
    # An annulled draw counts for nothing.
    held(call, officer, seed_putting_first(third, [second, third]))
    draws.draw_annul(call=call, actor=officer, reason="见证人未到场")
    with pytest.raises(WorkflowError, match="hold the draw"):
        decisions.funding_commit(call=call, actor=officer)
    held(call, officer, seed_putting_first(third, [second, third]))
    decisions.funding_commit(call=call, actor=officer)
    verdicts = dict(Decision.objects.values_list("proposal_id", "outcome"))
    assert verdicts == {first.pk: Outcome.FUNDED, third.pk: Outcome.FUNDED, second.pk: "reserve"}


def test_commit_needs_no_draw_when_nobody_straddles_the_line(reference):
    call, proposals, officer = make_panel_call(contributions=POOLS, draw_at_funding_line=True)
    add_fit(call, proposals, officer, [(1, 1), (2, 2), (3, 3)])
    decisions.funding_commit(call=call, actor=officer)
    assert Decision.objects.filter(round__call=call, outcome=Outcome.FUNDED).count() == 2


def test_commit_waits_for_a_fit_on_a_call_that_draws(reference):
    call, proposals, officer = make_panel_call(contributions=POOLS, draw_at_funding_line=True)
    with pytest.raises(WorkflowError, match="fit the calibrated ranking") as refused:
        decisions.funding_commit(call=call, actor=officer)
    assert refused.value.code == "draw_no_fit"


def test_letters_say_funded_by_the_draw_and_not_drawn(draw_call):
    call, (first, second, third), officer = draw_call
    held(call, officer, seed_putting_first(third, [second, third]))
    decisions.funding_commit(call=call, actor=officer)

    def data(proposal):
        proposal.refresh_from_db()
        return outcomes.letter_data(proposal, Decision.objects.get(proposal=proposal))

    assert data(third).draw_note == DRAWN
    assert data(second).draw_note == NOT_DRAWN
    assert "not drawn" in data(second).outcome_note
    assert data(first).draw_note == ""
    assert outcomes.letter_pdf(third)[0] == "award"
    assert outcomes.letter_pdf(second)[0] == "decision"


def test_a_member_drawn_into_a_place_its_pools_could_not_pay_is_told_so(client, draw_call):
    call, (_, second, third), officer = draw_call
    held(call, officer, seed_putting_first(third, [second, third]))
    decisions.funding_commit(call=call, actor=officer)
    # As if the draw had put the second first and a province's pool, when its turn came, had
    # too little left for it: the place went to the next in the drawn order.
    FundingDraw.objects.filter(call=call).update(order=[second.pk, third.pk])
    second.refresh_from_db()
    letter = outcomes.letter_data(second, Decision.objects.get(proposal=second))
    assert letter.draw_note == DRAWN_UNPAID
    assert "drawn, but a province's pool could not pay it" in letter.outcome_note
    client.force_login(officer)
    page = client.get(f"/office/calls/{call.code}/funding/draw/").content.decode()
    assert "drawn; a province's pool could not pay it" in page
