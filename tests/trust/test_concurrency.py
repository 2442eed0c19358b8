"""Many people acting at the same moment: nothing lost, nothing counted twice.

Real threads on real connections, so the row locks of PostgreSQL decide the order (SQLite
serialises whole transactions and would prove nothing). Each thread closes its connection.
"""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections

from grants.core.errors import WorkflowError
from grants.models import BudgetCategory, BudgetLine, Proposal, ProposalStatus
from grants.models.audit import AuditEntry
from grants.models.proposals import ReferenceCounter
from grants.proposals import consortium_workflow, proposal_workflow
from tests.factories import make_call, make_proposal, make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

OPERATIONS, EQUIPMENT = BudgetCategory.OPERATIONS, BudgetCategory.EQUIPMENT


def all_at_once(action, arguments):
    """Run ``action(*args)`` for each entry of ``arguments`` in its own thread, all released
    together; return what each returned, or the code of the WorkflowError it raised."""
    results = [None] * len(arguments)
    barrier = threading.Barrier(len(arguments))

    def run(index, args):
        barrier.wait()
        try:
            action(*args)
            results[index] = "ok"
        except WorkflowError as error:
            results[index] = error.code
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, args)) for index, args in enumerate(arguments)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def consortium_proposal(call):
    """A complete, eligible proposal: a Fudan lead and a Zhejiang partner, one each."""
    lead, partner = make_user(institution="复旦大学"), make_user(institution="浙江大学")
    return make_proposal(call, lead, partners=[partner])


def submit(proposal, now):
    proposal_workflow.proposal_submit(proposal=proposal, actor=proposal.lead, now=now)


def submitted_entries(proposal):
    return AuditEntry.objects.filter(proposal=proposal, action="proposal.submitted").count()


# ---- submissions at the deadline ------------------------------------------------------------


def test_fifty_submissions_in_the_deadline_second_are_each_taken_once_or_refused(reference):
    call = make_call(closes_in_days=1)
    proposals = [consortium_proposal(call) for _ in range(50)]
    # Half arrive in the last 25 ms before the deadline, half in the 25 ms from it on (the
    # deadline itself is already too late). "Now" is when the request arrived, so waiting
    # for the others' locks never turns an on-time submission into a late one.
    moments = [call.closes_at + timedelta(milliseconds=n - 25) for n in range(50)]
    on_time = [moment < call.closes_at for moment in moments]

    results = all_at_once(submit, list(zip(proposals, moments, strict=True)))

    assert results == ["ok" if early else "closed" for early in on_time]
    for proposal, early in zip(proposals, on_time, strict=True):
        proposal.refresh_from_db()
        if early:
            assert proposal.status == ProposalStatus.SUBMITTED and proposal.snapshot
            assert submitted_entries(proposal) == 1
        else:  # refused cleanly: the draft is intact and was given nothing
            assert proposal.status == ProposalStatus.DRAFT
            assert (proposal.reference, proposal.snapshot) == (None, None)
            assert BudgetLine.objects.filter(member__proposal=proposal).count() == 6
            assert submitted_entries(proposal) == 0
    # Numbered without a gap or a repeat, whatever order the locks were granted in.
    references = sorted(
        Proposal.objects.filter(reference__isnull=False).values_list("reference", flat=True)
    )
    assert references == [f"YRD-2026-F06-{n:04d}" for n in range(1, 26)]
    assert ReferenceCounter.objects.get(year=2026, area="F06").last == 25


def test_one_proposal_submitted_from_several_windows_at_once_is_submitted_once(reference):
    call = make_call()
    proposal = consortium_proposal(call)
    now = call.closes_at - timedelta(seconds=1)

    results = all_at_once(submit, [(proposal, now)] * 8)

    # The first takes the lock; the others then find it submitted already.
    assert sorted(results) == ["ok"] + ["transition"] * 7
    proposal.refresh_from_db()
    assert proposal.reference == "YRD-2026-F06-0001"
    assert ReferenceCounter.objects.get(year=2026, area="F06").last == 1
    assert submitted_entries(proposal) == 1


# ---- budgets edited at the same time --------------------------------------------------------


def save_budget(member, actor, cells, digest):
    consortium_workflow.member_budget_save(
        member=member, actor=actor, cells=cells, team=[], expected_digest=digest
    )


def stored_cells(member):
    return {
        (line.category, line.year): line.amount for line in BudgetLine.objects.filter(member=member)
    }


def cells_of(category, amount):
    return {(category, year): Decimal(amount) for year in (1, 2, 3)}


def test_two_saves_of_the_same_part_from_one_version_let_exactly_one_win(reference):
    call = make_call()
    proposal = consortium_proposal(call)
    member = proposal.members.get(is_lead=False)
    digest = consortium_workflow.lines_digest(member)
    # The partner PI in two windows, both opened on the same version of the part.
    edits = [cells_of(OPERATIONS, "120000"), cells_of(EQUIPMENT, "50000")]

    results = all_at_once(save_budget, [(member, member.pi, cells, digest) for cells in edits])

    assert sorted(results) == ["ok", "stale"]
    winner = edits[results.index("ok")]
    assert stored_cells(member) == winner  # the winner's lines, whole; none of the loser's


def test_two_partners_saving_their_own_parts_at_once_both_succeed(reference):
    call = make_call()
    lead, partner = make_user(institution="复旦大学"), make_user(institution="浙江大学")
    proposal = make_proposal(call, lead, partners=[partner])
    members = [proposal.members.get(is_lead=True), proposal.members.get(is_lead=False)]
    edits = [cells_of(OPERATIONS, "110000"), cells_of(OPERATIONS, "90000")]
    arguments = [
        (member, member.pi, cells, consortium_workflow.lines_digest(member))
        for member, cells in zip(members, edits, strict=True)
    ]

    assert all_at_once(save_budget, arguments) == ["ok", "ok"]
    assert [stored_cells(member) for member in members] == edits


def test_a_budget_saved_while_the_lead_submits_is_in_the_snapshot_or_refused(
    reference, monkeypatch
):
    """The partner's save has found the proposal a draft when the lead submits: the save
    must not land after the snapshot was taken, or the submitted budget would differ from
    the one checked and frozen. The save locks its member row together with the proposal's,
    so the submission waits for it and freezes the new lines."""
    from grants.proposals import consortium_workflow as consortium

    call = make_call()
    proposal = consortium_proposal(call)
    member = proposal.members.get(is_lead=False)
    digest = consortium_workflow.lines_digest(member)
    checked, resume = threading.Event(), threading.Event()
    require_editable = consortium.require_editable

    def pause_after_the_check(proposal, now=None):
        require_editable(proposal, now)
        if threading.current_thread().name == "partner":
            checked.set()
            resume.wait(timeout=10)

    monkeypatch.setattr(consortium, "require_editable", pause_after_the_check)
    outcome = {}

    def partner_saves():
        try:
            save_budget(member, member.pi, cells_of(OPERATIONS, "150000"), digest)
            outcome["partner"] = "ok"
        except WorkflowError as error:
            outcome["partner"] = error.code
        finally:
            connections.close_all()

    def lead_submits():
        try:
            submit(proposal, call.closes_at - timedelta(seconds=1))
            outcome["lead"] = "ok"
        except WorkflowError as error:
            outcome["lead"] = error.code
        finally:
            connections.close_all()

    partner = threading.Thread(target=partner_saves, name="partner")
    partner.start()
    assert checked.wait(timeout=10)
    lead = threading.Thread(target=lead_submits, name="lead")
    lead.start()
    lead.join(timeout=1)  # the lead either finishes now or waits for the partner's lock
    resume.set()
    partner.join()
    lead.join()

    assert outcome == {"partner": "ok", "lead": "ok"}
    proposal.refresh_from_db()
    frozen = next(m for m in proposal.snapshot["members"] if m["id"] == member.pk)
    assert {
        (line["category"], line["year"]): Decimal(line["amount"]) for line in frozen["budget"]
    } == (stored_cells(member))


def test_two_schedule_passes_at_once_close_a_past_call_once(reference):
    from grants.models import Call, CallStatus
    from grants.site import schedule

    call = make_call("timed")
    now = call.closes_at + timedelta(seconds=1)
    reports = [None, None]

    def one_pass(index):
        reports[index] = schedule.run_once(now)

    all_at_once(one_pass, [(0,), (1,)])
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED
    assert AuditEntry.objects.filter(call=call, action="call.closed").count() == 1
    assert sorted(reports, key=len) == [[], ["timed: closed"]]
    assert Call.objects.filter(status=CallStatus.OPEN).count() == 0
