"""The officers' dashboard sections lead to the office pages, with counts."""

from grants.models import UNSUBMITTED, Proposal, ProposalStatus, Role
from grants.site.dashboards import fund_officer_section, provincial_officer_section
from tests.factories import make_call, make_proposal, make_user


def submitted_pair(call, lead_at, partner_at):
    return make_proposal(
        call,
        make_user(institution=lead_at),
        partners=[make_user(institution=partner_at)],
        submit=True,
    )


def test_fund_officer_section_links_calls_and_their_proposals(reference):
    call = make_call("live", max_participations_per_pi=3)
    make_call("upcoming", status_open=False)
    submitted_pair(call, "复旦大学", "浙江大学")
    submitted_pair(call, "南京大学", "中国科学技术大学")
    make_proposal(call, make_user(institution="同济大学"))  # a draft is not counted
    officer = make_user(roles=[Role.FUND_OFFICER])
    items = {item.url: item for item in fund_officer_section(officer).items}
    assert "/office/calls/" in items
    assert items["/office/calls/live/proposals/"].note.endswith("2 proposals")
    assert items["/office/calls/upcoming/"].note.endswith("0 proposals")


def test_provincial_section_counts_only_its_provinces_proposals(client, reference):
    call = make_call("live", max_participations_per_pi=3)
    make_call("upcoming", status_open=False)
    submitted_pair(call, "复旦大学", "浙江大学")
    submitted_pair(call, "南京大学", "中国科学技术大学")
    submitted_pair(call, "上海交通大学", "东南大学")
    officer = make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000")
    records, item = provincial_officer_section(officer).items
    assert records.url == "/office/external-records/"
    assert item.url == "/office/calls/live/proposals/"
    assert item.links == [("Overlaps", "/office/calls/live/overlaps/")]
    assert "¥10,000,000.00" in item.note and "2 proposals with Shanghai institutions" in item.note
    client.force_login(officer)
    assert 'href="/office/calls/live/proposals/"' in client.get("/dashboard/").text


def test_the_counts_take_every_received_proposal_and_no_draft_or_discarded_one(reference):
    call = make_call("live", max_participations_per_pi=6)
    # Submitted first, so that the drafts and the discarded one keep their members' provinces:
    # only their status leaves them out.
    for status in ProposalStatus.values:
        proposal = submitted_pair(call, "复旦大学", "浙江大学")
        Proposal.objects.filter(pk=proposal.pk).update(status=status)
    received = len(ProposalStatus.values) - len(UNSUBMITTED)
    officer = make_user(roles=[Role.FUND_OFFICER])
    items = {item.url: item for item in fund_officer_section(officer).items}
    assert items["/office/calls/live/proposals/"].note.endswith(f"{received} proposals")
    for code, name in (("310000", "Shanghai"), ("330000", "Zhejiang")):
        _, item = provincial_officer_section(
            make_user(roles=[Role.PROVINCIAL_OFFICER], province=code)
        ).items
        assert f"{received} proposals with {name} institutions" in item.note
    _, item = provincial_officer_section(
        make_user(roles=[Role.PROVINCIAL_OFFICER], province="320000")
    ).items
    assert "0 proposals with Jiangsu institutions" in item.note
