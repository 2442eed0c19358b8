"""The demo's screening against repeated investment: the planted text overlaps, the sample
records' and the instrument flagged on the open call, and the draft that is asked why the
shared instrument cannot serve."""

import pytest
from django.core.management import call_command

from grants.models import OverlapFlag, OverlapKind, Proposal, User

OPEN_CALL = "2026-info-eng"
HYDROGEN = "In-situ electron microscopy of catalyst interfaces for green hydrogen"


@pytest.fixture
def demo(reference):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_the_check_flags_the_planted_overlaps_and_the_instrument(demo):
    flags = OverlapFlag.objects.filter(call__code=OPEN_CALL)
    kinds = set(flags.values_list("kind", flat=True))
    assert {OverlapKind.TEXT, OverlapKind.INSTRUMENT} <= kinds
    # The Zhejiang record of the same PI repeats two sentences of the open call's proposal.
    record = flags.get(kind=OverlapKind.TEXT, language="zh", external_record__isnull=False)
    assert record.external_record.reference == "LZ24F040002"
    assert record.proposal.lead.name == record.external_record.pi_name == "赵浙大"
    # The grid proposal's partner PI holds the running NSFC project 52377102 on the same theme.
    running = flags.get(kind=OverlapKind.RUNNING_PROJECT, external_record__reference="52377102")
    assert running.evidence["people"] == [{"name": "钱东南", "matched_by": "name+institution"}]
    [flag] = flags.filter(kind=OverlapKind.INSTRUMENT)
    assert flag.proposal.title_en == HYDROGEN
    assert flag.instrument.name == "球差校正透射电子显微镜"
    assert flag.budget_line.amount > flag.call.instrument_threshold
    assert flag.evidence["reason"].startswith("原位电化学实验需连续占用电镜数周")


def test_the_office_sees_the_instrument_flag_with_the_match_and_the_reason(client, demo):
    flag = OverlapFlag.objects.get(call__code=OPEN_CALL, kind=OverlapKind.INSTRUMENT)
    client.force_login(User.objects.get(email="officer@example.org"))
    listed = client.get(f"/office/calls/{OPEN_CALL}/overlaps/?kind=instrument")
    assert list(listed.context["page"]) == [flag]
    page = client.get(f"/office/calls/{OPEN_CALL}/overlaps/{flag.pk}/")
    assert flag.instrument.catalogue_ref in page.text
    assert "共享平台的电镜不允许液相样品杆" in page.text


def test_the_demo_draft_is_asked_why_the_shared_instrument_cannot_serve(client, demo):
    draft = Proposal.objects.get(call__code=OPEN_CALL, lead__email="lead@example.org")
    member = draft.members.get(is_lead=True)
    client.force_login(draft.lead)
    page = client.get(f"/proposals/{draft.pk}/budget/{member.pk}/")
    assert "The shared catalogue lists a likely match: 高性能计算集群 GPU 计算节点" in page.text
    assert "Say why the shared instrument cannot serve" in page.text
