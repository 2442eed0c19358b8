"""The overlap check of a call: the flags it writes, re-runs, the background run."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from grants.core.errors import WorkflowError
from grants.models import (
    BudgetCategory,
    BudgetLine,
    ExternalRecord,
    OverlapFlag,
    OverlapRun,
    Project,
    Role,
    SharedInstrument,
    User,
)
from grants.models.overlaps import FlagStatus
from grants.models.projects import ProjectStatus
from grants.overlaps import checks
from reviews.models import WORKER_LOST
from tests.factories import make_call, make_user
from tests.grants.overlaps.corpus_abstracts_zh import ABSTRACTS_ZH
from tests.grants.overlaps.factories_overlapcheck import submitted, texts

pytestmark = pytest.mark.usefixtures("reference")


def flags(call, kind=None):
    found = OverlapFlag.objects.filter(call=call)
    return found.filter(kind=kind) if kind else found


def test_a_copied_proposal_is_flagged_on_the_later_one_with_its_passages():
    call = make_call()
    first = submitted(call, 0)
    copy = submitted(call, 0)
    submitted(call, 1)  # same discipline, other research
    counts = checks.check_call(call)
    text = flags(call, "text")
    assert {(f.proposal_id, f.other_proposal_id, f.language) for f in text} == {
        (copy.pk, first.pk, "zh"),
        (copy.pk, first.pk, "en"),
    }
    zh = text.get(language="zh")
    assert zh.key == f"text:zh:proposal:{first.pk}"
    assert zh.score == Decimal("1.000")
    assert ABSTRACTS_ZH[0][2][:20] in "".join(a for a, _ in zh.evidence["passages"])
    assert zh.evidence["funded"] is False
    # The flag page highlights the passages in both texts by their spans.
    for (sa, ea, sb, eb), (a, b) in zip(zh.evidence["spans"], zh.evidence["passages"], strict=True):
        assert zh.evidence["text_a"][sa:ea] == a and zh.evidence["text_b"][sb:eb] == b
    assert counts["created"] == flags(call).count()


def test_a_proposal_copying_another_funders_record():
    call = make_call()
    proposal = submitted(call, 4)
    record = ExternalRecord.objects.create(
        programme="浙江省自然科学基金",
        reference="LZ24H070001",
        title_zh="肠道菌群与胰岛素抵抗",
        abstract_zh=ABSTRACTS_ZH[4][2],
        pi_name="王芳",
        institution_name="浙江大学",
        amount=Decimal("800000"),
        start_year=2024,
        end_year=2027,
        imported_by=make_user(roles=[Role.FUND_OFFICER]),
    )
    checks.check_call(call)
    flag = flags(call, "text").get()
    assert (flag.proposal, flag.external_record, flag.language) == (proposal, record, "zh")
    assert flag.key == f"text:zh:external:{record.pk}"
    assert flag.score >= Decimal("0.6")


def test_a_rerun_keeps_the_screening_and_forgets_open_flags_no_longer_found():
    call = make_call()
    first = submitted(call, 2)
    copy = submitted(call, 2)
    checks.check_call(call)
    zh, en = flags(call, "text").get(language="zh"), flags(call, "text").get(language="en")
    zh.status, zh.reason = FlagStatus.CLEARED, "同一团队的续研，已在申请书中说明。"
    zh.save()
    counts = checks.check_call(call)
    # Found again as they were: kept, not rewritten.
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 0, 2)
    zh.refresh_from_db()
    OverlapFlag.objects.filter(pk=zh.pk).update(score=Decimal("0.500"))
    assert checks.check_call(call)["updated"] == 1
    zh.refresh_from_db()
    assert (zh.status, zh.reason) == (FlagStatus.CLEARED, "同一团队的续研，已在申请书中说明。")
    # The copy is rewritten: the open flag goes, the screened one stays.
    type(copy).objects.filter(pk=copy.pk).update(**texts(12))
    counts = checks.check_call(call)
    assert counts["removed"] == 1
    assert list(flags(call, "text")) == [zh]
    assert not OverlapFlag.objects.filter(pk=en.pk).exists()
    assert first.pk == zh.other_proposal_id


def test_an_equipment_line_matching_a_shared_instrument():
    call = make_call()
    proposal = submitted(call, 8)
    member = proposal.members.get(is_lead=True)
    line = BudgetLine.objects.create(
        member=member,
        category=BudgetCategory.EQUIPMENT,
        year=1,
        amount=Decimal("2600000"),
        instrument="球差校正透射电子显微镜",
    )
    BudgetLine.objects.create(  # under the threshold: not asked
        member=member,
        category=BudgetCategory.EQUIPMENT,
        year=2,
        amount=Decimal("300000"),
        instrument="扫描电子显微镜",
    )
    BudgetLine.objects.create(  # at the threshold, not above it: not asked either
        member=member,
        category=BudgetCategory.EQUIPMENT,
        year=3,
        amount=call.instrument_threshold,
        instrument="球差校正透射电子显微镜",
    )
    for ref, name, model in [
        ("SH-0001", "球差校正透射电镜", "Titan Themis"),
        ("JS-0002", "场发射扫描电子显微镜", "Zeiss Sigma 300"),
        ("ZJ-0003", "核磁共振波谱仪", "Bruker AVANCE NEO 600"),
    ]:
        SharedInstrument.objects.create(
            catalogue_ref=ref,
            name=name,
            model=model,
            institution_name="上海交通大学",
            province_id="310000",
        )
    checks.check_call(call)
    flag = flags(call, "instrument").get()
    assert (flag.proposal, flag.budget_line, flag.instrument.catalogue_ref) == (
        proposal,
        line,
        "SH-0001",
    )
    assert flag.key == f"instrument:line:{line.pk}:ref:SH-0001"
    assert flag.evidence["instrument"] == "球差校正透射电子显微镜"


def test_the_same_person_under_two_accounts_beyond_the_limit():
    call = make_call()
    one = make_user(institution="复旦大学", name="张伟")
    other = make_user(institution="复旦大学", name="Wei Zhang")
    User.objects.filter(pk__in=[one.pk, other.pk]).update(orcid="0000-0002-1825-0097")
    first = submitted(call, 5, lead=one)
    second = submitted(call, 9, lead=other)
    checks.check_call(call)
    person = flags(call, "person")
    assert {f.proposal_id for f in person} == {first.pk, second.pk}
    flag = person.get(proposal=first)
    assert flag.key == f"person:led:user:{one.pk}"
    assert flag.score == Decimal("1.000")
    assert flag.evidence["basis"] == "orcid"
    assert sorted(flag.evidence["refs"]) == sorted([first.reference, second.reference])


def test_the_same_team_in_two_proposals():
    call = make_call()
    partner = make_user(institution="浙江大学")
    first = submitted(call, 10, partner=partner)
    second = submitted(call, 15, partner=partner)
    checks.check_call(call)
    team = flags(call, "team").get()
    assert (team.proposal, team.other_proposal) == (second, first)
    assert team.score == Decimal("0.600")


def test_a_pi_asking_again_for_their_running_project():
    from tests.grants.projects.factories import decided_call

    _, proposals, _ = decided_call()
    project = Project.objects.get(proposal=proposals[0])
    Project.objects.filter(pk=project.pk).update(status=ProjectStatus.RUNNING)
    type(proposals[0]).objects.filter(pk=proposals[0].pk).update(**texts(16))
    call = make_call()
    proposal = submitted(
        call, 16, lead=proposals[0].lead, abstract_zh=ABSTRACTS_ZH[16][2][:60] + ABSTRACTS_ZH[17][2]
    )
    checks.check_call(call)
    running = flags(call, "running_project").get()
    assert (running.proposal, running.other_proposal) == (proposal, proposals[0])
    assert running.key == f"running_project:project:{project.pk}"
    assert running.evidence["people"] == [{"name": proposals[0].lead.name}]
    assert running.evidence["proposals"] == [proposal.reference, proposals[0].reference]
    # Leading the running project and the new proposal: one more than the call allows.
    person = flags(call, "person").get()
    assert person.evidence["refs"] == [f"project:{project.pk}", proposal.reference]
    assert flags(call, "text").get(other_proposal=proposals[0], language="en").evidence["funded"]


def test_a_pi_asking_again_for_what_another_funder_pays_for():
    call = make_call()
    proposal = submitted(call, 4)
    lead = proposal.lead
    office = make_user(roles=[Role.FUND_OFFICER])
    this_year = timezone.localdate().year

    def record(reference, pi_name, end_year):
        return ExternalRecord.objects.create(
            programme="上海市自然科学基金",
            reference=reference,
            abstract_zh=ABSTRACTS_ZH[4][2][:80] + ABSTRACTS_ZH[5][2],
            pi_name=pi_name,
            institution_name="复旦大学",
            amount=Decimal("800000"),
            start_year=this_year - 6,
            end_year=end_year,
            imported_by=office,
        )

    running = record("R-RUNNING", lead.name, this_year)
    record("R-ENDED", lead.name, this_year - 1)  # no longer paid for
    record("R-OTHER", "另一人", this_year + 2)  # another PI's
    checks.check_call(call)
    flag = flags(call, "running_project").get()
    assert (flag.proposal, flag.external_record, flag.other_proposal) == (proposal, running, None)
    assert flag.key == f"running_project:external:{running.pk}"
    assert flag.evidence["people"] == [{"name": lead.name, "matched_by": "name+institution"}]
    assert flag.evidence["proposals"] == [proposal.reference]
    assert Decimal("0.2") <= flag.score < Decimal("1")


def test_the_background_run_and_its_refusal_while_under_way():
    call = make_call()
    submitted(call, 6)
    submitted(call, 6)
    officer = make_user(roles=[Role.FUND_OFFICER])
    # The tests' immediate backend runs the task as soon as it is queued.
    run = checks.overlap_check_start(call, officer)
    run.refresh_from_db()
    assert (run.status, run.done, run.total) == (OverlapRun.Status.DONE, 2, 2)
    assert run.finished_at is not None and run.started_by == officer
    assert flags(call, "text").count() == 2
    OverlapRun.objects.create(call=call, started_by=officer)  # queued, not yet taken
    with pytest.raises(WorkflowError):
        checks.overlap_check_start(call, officer)
    assert OverlapRun.objects.filter(call=call).count() == 2
    # An hour later that one lost its worker: it fails and a new run starts.
    OverlapRun.objects.filter(status=OverlapRun.Status.QUEUED).update(
        created_at=timezone.now() - timedelta(hours=2)
    )
    checks.overlap_check_start(call, officer)
    statuses = sorted(OverlapRun.objects.filter(call=call).values_list("status", "error"))
    assert statuses == [("done", ""), ("done", ""), ("failed", WORKER_LOST)]


def test_a_failed_run_says_why(monkeypatch):
    call = make_call()
    run = OverlapRun.objects.create(call=call, started_by=make_user(roles=[Role.FUND_OFFICER]))

    def broken(call, progress=None):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(checks, "find_overlaps", broken)
    with pytest.raises(RuntimeError):
        checks.run_overlap_check(run)
    run.refresh_from_db()
    assert (run.status, run.error) == (OverlapRun.Status.FAILED, "out of memory")


def test_a_pair_compared_from_both_sides_in_different_batches_is_one_flag(monkeypatch):
    monkeypatch.setattr(checks, "BATCH", 1)
    call = make_call()
    first, copy = submitted(call, 13), submitted(call, 13)
    checks.check_call(call)
    assert sorted(flags(call, "text").values_list("proposal_id", "other_proposal_id")) == [
        (copy.pk, first.pk),
        (copy.pk, first.pk),
    ]


def test_the_texts_compared_each_section_in_its_language():
    from types import SimpleNamespace

    from grants.overlaps.corpus import proposal_texts

    proposal = SimpleNamespace(
        title_zh="标题",
        title_en="Title",
        abstract_zh="中文摘要。",
        abstract_en="",
        section_rationale="The rationale, in English.",
        section_basis="研究基础，用中文写。",
        section_other="  ",
    )
    assert proposal_texts(proposal) == {
        "zh": "标题\n中文摘要。\n研究基础，用中文写。",
        "en": "Title\nThe rationale, in English.",
    }


def test_a_rerun_rewrites_a_flag_whose_evidence_changed_and_keeps_its_screening():
    call = make_call()
    submitted(call, 2)
    submitted(call, 2)
    checks.check_call(call)
    flag = flags(call, "text").get(language="zh")
    found_evidence = flag.evidence
    OverlapFlag.objects.filter(pk=flag.pk).update(
        status=FlagStatus.CLEARED, reason="已说明。", evidence={**found_evidence, "funded": True}
    )
    counts = checks.check_call(call)
    assert (counts["updated"], counts["unchanged"]) == (1, 1)
    flag.refresh_from_db()
    assert flag.evidence == found_evidence
    assert (flag.status, flag.reason) == (FlagStatus.CLEARED, "已说明。")
