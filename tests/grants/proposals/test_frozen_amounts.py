"""The amounts frozen with the snapshot at submission equal the budget summary; the
consortium's provinces are frozen beside them."""

from decimal import Decimal

import pytest

from grants.funding import decisions
from grants.models import Proposal, Role
from grants.proposals import budget, proposal_workflow
from grants.proposals.plain import budget_lines
from grants.proposals.presenters import document_for
from grants.proposals.snapshots import (
    frozen_requests,
    member_provinces,
    requested_amounts,
    snapshot_budget_lines,
)
from tests.factories import make_call, make_proposal, make_user


def snapshot_with(*members):
    """A snapshot's members: (id, province, [(category, year, amount)])."""
    return {
        "members": [
            {
                "id": member_id,
                "province_code": province,
                "budget": [
                    {"category": category, "year": year, "amount": amount}
                    for category, year, amount in lines
                ],
            }
            for member_id, province, lines in members
        ]
    }


CASES = {
    "no budget": (snapshot_with((1, "310000", [])), "0", "0", {}),
    "one member, indirect at 30 %": (
        snapshot_with((1, "310000", [("operations", 1, "1000000.00")])),
        "1000000.00",
        "1300000.00",
        {"310000": "1300000.00"},
    ),
    "equipment bears no indirect cost": (
        snapshot_with(
            (1, "310000", [("equipment", 1, "500000.00"), ("personnel", 2, "500000.00")]),
            (2, "330000", [("operations", 1, "1000000.00")]),
        ),
        "2000000.00",
        "2450000.00",
        {"310000": "1150000.00", "330000": "1300000.00"},
    ),
    "indirect shared to the fen": (
        snapshot_with(
            (1, "310000", [("operations", 1, "0.01")]),
            (2, "320000", [("operations", 1, "0.01")]),
            (3, "340000", [("operations", 1, "0.01")]),
        ),
        "0.03",
        "0.04",
        {"310000": "0.02", "320000": "0.01", "340000": "0.01"},
    ),
}


@pytest.mark.parametrize(("snapshot", "direct", "total", "by_province"), CASES.values(), ids=CASES)
def test_requested_amounts_of_a_snapshot(snapshot, direct, total, by_province):
    amounts = requested_amounts(snapshot)
    assert amounts == {
        "requested_direct": Decimal(direct),
        "requested_total": Decimal(total),
        "requested_by_province": by_province,
    }
    summary = budget.summarise(snapshot_budget_lines(snapshot))
    assert sum(map(Decimal, by_province.values()), Decimal(0)) == summary.total


PROVINCE_CASES = {
    "one member": (snapshot_with((1, "310000", [])), "310000"),
    "in code order": (snapshot_with((1, "340000", []), (2, "310000", [])), "310000 340000"),
    "a province once however many members": (
        snapshot_with((1, "330000", []), (2, "110000", []), (3, "330000", [])),
        "110000 330000",
    ),
    "no member": (snapshot_with(), ""),
}


@pytest.mark.parametrize(("snapshot", "provinces"), PROVINCE_CASES.values(), ids=PROVINCE_CASES)
def test_member_provinces_of_a_snapshot(snapshot, provinces):
    assert member_provinces(snapshot) == provinces


@pytest.mark.parametrize(
    ("stored", "requests"),
    [
        (None, {}),  # not submitted yet
        ({}, {}),
        (
            {"310000": "1150000.00", "330000": "0.01"},
            {"310000": Decimal("1150000.00"), "330000": Decimal("0.01")},
        ),
    ],
)
def test_frozen_requests_read_back_exactly(stored, requests):
    assert frozen_requests(stored) == requests


@pytest.fixture
def submitted(reference):
    call = make_call()
    lead, partner = make_user(institution="复旦大学"), make_user(institution="浙江大学")
    return make_proposal(call, lead, partners=[partner], submit=True)


def test_submission_freezes_what_the_budget_summary_gives(submitted):
    proposal = Proposal.objects.get(pk=submitted.pk)
    live = budget.summarise(budget_lines(proposal, list(proposal.members.all())))
    assert proposal.requested_direct == live.direct_total == Decimal("600000.00")
    assert proposal.requested_total == live.total == Decimal("780000.00")
    assert proposal.requested_by_province == {
        code: str(totals.total) for code, totals in live.by_province.items()
    }
    # Fudan (Shanghai) leads, Zhejiang University (Zhejiang) partners.
    assert proposal.member_provinces == "310000 330000"


def test_the_document_and_the_funding_read_one_budget_from_the_snapshot(submitted):
    proposal = Proposal.objects.get(pk=submitted.pk)
    requested, summary = decisions.requested_by_province(proposal)
    assert document_for(proposal).budget == summary
    assert {code: str(amount) for code, amount in requested.items()} == (
        proposal.requested_by_province
    )


def test_a_returned_proposal_keeps_its_amounts_until_it_is_submitted_again(submitted):
    officer = make_user(roles=[Role.FUND_OFFICER])
    proposal = proposal_workflow.proposal_return(
        proposal=submitted, actor=officer, reason="补充预算"
    )
    proposal.refresh_from_db()
    assert proposal.requested_total == Decimal("780000.00")
