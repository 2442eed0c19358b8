"""The draft's instrument hint: an equipment line above the call's threshold names what it buys,
the shared catalogue's likely match asks for a reason, and submission is refused without them."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from grants.core.errors import WorkflowError
from grants.models import BudgetCategory, BudgetLine
from grants.overlaps.instrument_hint import likely_match
from grants.proposals import consortium_workflow, instrument_rules, proposal_workflow
from grants.proposals.eligibility_data import InstrumentLine, ProposalData, Rules
from grants.proposals.plain import violations_for
from tests.factories import make_call, make_proposal, make_user
from tests.grants.overlaps.factories_screening import make_instrument
from tests.grants.proposals.test_budget_views import grid

RULES = Rules(
    opens_at=datetime(2026, 1, 1, tzinfo=UTC),
    closes_at=datetime(2026, 12, 1, tzinfo=UTC),
    instrument_threshold=Decimal("500000"),
)


def line(amount="600000", instrument="", match="", reason=""):
    return InstrumentLine(
        member="1",
        institution_name="复旦大学",
        year=1,
        amount=Decimal(amount),
        instrument=instrument,
        likely_match=match,
        reason=reason,
    )


@pytest.mark.parametrize(
    ("lines", "codes"),
    [
        ((), []),
        ((line(amount="500000"),), []),  # at the threshold: not above it
        ((line(),), ["instrument_missing"]),
        ((line(instrument="  "),), ["instrument_missing"]),
        ((line(instrument="透射电镜"),), []),  # no likely match: nothing to explain
        ((line(instrument="透射电镜", match="JEM-F200"),), ["shared_instrument_reason_missing"]),
        ((line(instrument="透射电镜", match="JEM-F200", reason="需要低温样品杆"),), []),
        (
            (line(), line(instrument="透射电镜", match="X")),
            ["instrument_missing", "shared_instrument_reason_missing"],
        ),
    ],
)
def test_instrument_rules(lines, codes):
    found = instrument_rules.check(ProposalData(instrument_lines=lines), RULES)
    assert [violation.code for violation in found] == codes


@pytest.mark.parametrize(
    ("category", "amount", "needed"),
    [
        ("equipment", "500000.01", True),
        ("equipment", "500000", False),
        ("operations", "900000", False),
    ],
)
def test_needs_instrument(category, amount, needed):
    assert instrument_rules.needs_instrument(category, Decimal(amount), Decimal("500000")) is needed


def test_likely_match_reads_the_catalogue(reference):
    tem = make_instrument()
    make_instrument(name="核磁共振波谱仪", model="AVANCE NEO 600", ref="JS-0002", province="320000")
    assert likely_match("透射电子显微镜") == tem
    assert likely_match("购置一台 JEM-F200") == tem  # the model alone
    assert likely_match("高通量测序仪") is None
    assert likely_match("   ") is None


# ---- the draft's budget page ----------------------------------------------------------------


@pytest.fixture
def draft(reference):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(make_call(), lead, partners=[make_user(institution="浙江大学")])
    return lead, proposal, proposal.members.get(is_lead=True)


def budget_url(proposal, member, preview=False):
    return f"/proposals/{proposal.pk}/budget/{member.pk}/" + ("preview/" if preview else "")


def save(client, proposal, member, **fields):
    digest = client.get(budget_url(proposal, member)).context["digest"]
    data = {**grid(operations_1="500000", equipment_1="600000"), "digest": digest, **fields}
    return client.post(budget_url(proposal, member), data)


def test_equipment_above_the_threshold_gets_an_instrument_field(client, draft):
    lead, proposal, member = draft
    client.force_login(lead)
    assert 'name="instrument-1"' not in client.get(budget_url(proposal, member)).text
    save(client, proposal, member)
    page = client.get(budget_url(proposal, member))
    assert 'name="instrument-1"' in page.text and 'name="instrument-2"' not in page.text
    assert "Name the instrument" in page.text
    assert 'name="reason-1"' not in page.text  # nothing in the catalogue matches yet


def test_a_likely_match_is_shown_and_asks_for_the_reason(client, draft):
    lead, proposal, member = draft
    make_instrument()
    client.force_login(lead)
    assert save(client, proposal, member, **{"instrument-1": "透射电子显微镜"}).status_code == 302
    saved = member.budget_lines.get(category=BudgetCategory.EQUIPMENT)
    assert saved.instrument == "透射电子显微镜"
    page = client.get(budget_url(proposal, member))
    assert "SH-0001" in page.text and 'name="reason-1"' in page.text
    assert "Say why the shared instrument cannot serve" in page.text
    reason = "需要连续数月的低温原位实验，共享机时无法满足。"
    save(client, proposal, member, **{"instrument-1": "透射电子显微镜", "reason-1": reason})
    saved = member.budget_lines.get(category=BudgetCategory.EQUIPMENT)
    assert saved.shared_instrument_reason == reason
    page = client.get(budget_url(proposal, member))
    assert reason in page.text and "Say why the shared instrument cannot serve" not in page.text


def test_a_reason_too_long_is_refused_beside_the_field_and_kept(client, draft):
    lead, proposal, member = draft
    make_instrument()
    client.force_login(lead)
    save(client, proposal, member, **{"instrument-1": "透射电子显微镜"})
    page = save(
        client, proposal, member, **{"instrument-1": "透射电子显微镜", "reason-1": "长" * 1001}
    )
    assert page.status_code == 200
    assert "reason-1" in page.context["form"].errors
    assert "长" * 1001 in page.text
    assert member.budget_lines.get(category=BudgetCategory.EQUIPMENT).shared_instrument_reason == ""


def test_the_live_preview_names_what_is_missing(client, draft):
    lead, proposal, member = draft
    make_instrument()
    client.force_login(lead)
    data = grid(equipment_1="700000")
    preview = client.post(budget_url(proposal, member, preview=True), data, HTTP_HX_REQUEST="true")
    assert "name the instrument to buy" in preview.text
    data["instrument-1"] = "透射电子显微镜"
    preview = client.post(budget_url(proposal, member, preview=True), data, HTTP_HX_REQUEST="true")
    assert "likely shared" in preview.text and "SH-0001" in preview.text
    assert not BudgetLine.objects.filter(category=BudgetCategory.EQUIPMENT).exists()


# ---- submission -----------------------------------------------------------------------------


def with_equipment(member, pi, instrument="", reason=""):
    cells = {(BudgetCategory.OPERATIONS, year): Decimal("500000") for year in (1, 2, 3)}
    cells[(BudgetCategory.EQUIPMENT, 1)] = Decimal("600000")
    consortium_workflow.member_budget_save(
        member=member,
        actor=pi,
        cells=cells,
        team=[],
        expected_digest=consortium_workflow.lines_digest(member),
        instruments={1: (instrument, reason)},
    )


def codes(proposal):
    return [v.code for v in violations_for(proposal, timezone.now())]


def test_submission_needs_the_instrument_and_the_reason(draft):
    lead, proposal, member = draft
    make_instrument()
    assert codes(proposal) == []
    with_equipment(member, lead)
    assert codes(proposal) == ["instrument_missing"]
    with pytest.raises(WorkflowError):
        proposal_workflow.proposal_submit(proposal=proposal, actor=lead)
    with_equipment(member, lead, instrument="透射电子显微镜")
    assert codes(proposal) == ["shared_instrument_reason_missing"]
    with_equipment(member, lead, instrument="透射电子显微镜", reason="机时不足")
    assert codes(proposal) == []
    submitted = proposal_workflow.proposal_submit(proposal=proposal, actor=lead)
    lines = next(m for m in submitted.snapshot["members"] if m["is_lead"])["budget"]
    equipment = next(line for line in lines if line["category"] == "equipment")
    assert equipment["instrument"] == "透射电子显微镜"
    assert equipment["shared_instrument_reason"] == "机时不足"


def test_the_threshold_is_the_calls(draft):
    lead, proposal, member = draft
    with_equipment(member, lead)
    proposal.call.instrument_threshold = Decimal("800000")
    proposal.call.save()
    proposal.refresh_from_db()
    assert codes(proposal) == []


def test_lines_without_an_instrument_keep_the_snapshot_as_it_was(draft):
    from grants.proposals.snapshots import freeze

    lead, proposal, member = draft
    budget = next(m for m in freeze(proposal)["members"] if m["is_lead"])["budget"]
    assert set(budget[0]) == {"category", "year", "amount"}
