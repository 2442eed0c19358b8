"""The demo's funded projects, after the decided call's letters: the lead PI's sodium-ion project
with its task book signed by every party, its first year paid by each province, its first annual
report submitted and waiting for the fund office's decision, and a change moving money to the
partner's province waiting for that province's consent; the grid resilience project's task book
out for signature, waiting for its partner and the provinces."""

from decimal import Decimal

from django.utils import timezone

from grants.models import (
    ChangeKind,
    DeliverableKind,
    MemberStatus,
    MilestoneProgress,
    OutputKind,
    Project,
    ProjectStatus,
    ReportKind,
    User,
)
from grants.projects import changes, payments, report_workflow, signing, task_book
from grants.projects.change_rules import Move
from grants.site.demo.common import officer

MILESTONES = [
    (
        "正极失效机理的原位表征方法 / In-situ characterisation of cathode failure",
        DeliverableKind.REPORT,
        12,
    ),
    (
        "掺杂与包覆协同的稳定化正极 / Stabilised cathodes by doping and coating",
        DeliverableKind.PROTOTYPE,
        30,
    ),
    ("千次循环软包电池验证 / Pouch cells over a thousand cycles", DeliverableKind.DATA_SET, 46),
]


def seed_projects(call):
    """Milestones, the task book and its signatures, and the first year's payments."""
    office = officer()
    running = Project.objects.get(proposal__call=call, proposal__lead__email="lead@example.org")
    waiting = Project.objects.filter(proposal__call=call).exclude(pk=running.pk).first()
    if running.status != ProjectStatus.DRAFTING:
        return running
    for project in (running, waiting):
        _draft(project)
        task_book.task_book_issue(project=project, actor=project.proposal.lead)
    _sign_by_everyone(running)
    lead = waiting.proposal.lead
    for party in signing.parties_of(lead, task_book.current_task_book(waiting).contents):
        signing.task_book_sign(project=waiting, actor=lead, party=party)
    payments.year_record(
        call=call, actor=office, year=1, voucher="DEMO-2025-01", paid_on=timezone.localdate()
    )
    _submit_first_report(running)
    _ask_for_a_move_to_the_partner(running)
    return running


def _draft(project):
    lead_member = project.proposal.members.get(is_lead=True)
    partner = project.proposal.members.filter(is_lead=False, status=MemberStatus.ACCEPTED).first()
    for number, (title, kind, month) in enumerate(MILESTONES):
        task_book.milestone_save(
            project=project,
            actor=project.proposal.lead,
            values={
                "title": title,
                "kind": kind,
                "due_month": min(month, project.duration_months),
                "member": partner if number == 1 and partner else lead_member,
                "description": "",
            },
        )


def _sign_by_everyone(project):
    """Every member's PI, then every paying province's officer, as the task book asks."""
    contents = task_book.current_task_book(project).contents
    pis = [User.objects.get(pk=m["pi_id"]) for m in contents["members"]]
    officers = [
        User.objects.get(role_grants__province_id=p["code"], role_grants__role="provincial_officer")
        for p in contents["provinces"]
    ]
    for user in [*pis, *officers]:
        for party in signing.parties_of(user, contents):
            project.refresh_from_db()
            if project.status == ProjectStatus.SIGNING:
                signing.task_book_sign(project=project, actor=user, party=party)


def _submit_first_report(project):
    """The first annual report, complete and submitted: the fund office has it to decide."""
    report = project.reports.get(kind=ReportKind.ANNUAL, year=1)
    lead = project.proposal.lead
    spending = [
        (member, category, (amount * Decimal("0.8")).quantize(Decimal("0.01")))
        for (member, category), amount in report_workflow.awarded_for(report).items()
    ]
    members = [m.pk for m in report_workflow.members_of(project)]
    spending += [
        (pk, "operations", Decimal("0")) for pk in members if pk not in {s[0] for s in spending}
    ]
    states = [
        (m.pk, MilestoneProgress.State.ON_TRACK, "按计划推进 / On schedule")
        for m in report_workflow.due_milestones(report)
    ]
    report_workflow.report_save(
        report=report,
        actor=lead,
        draft=report_workflow.ReportDraft(
            progress="完成正极失效机理的原位表征平台搭建。/ The in-situ characterisation rig runs.",
            collaboration="双方每月联合实验。/ Joint experiments every month at both sites.",
            transfer="与合作企业开展中试论证。/ Pilot line study with the partner enterprise.",
            version=report.version,
            states=states,
            spending=spending,
            outputs=[
                {
                    "kind": OutputKind.PAPER,
                    "title": "In-situ study of layered sodium cathode degradation",
                    "identifier": "10.1000/demo.2025.001",
                    "members": members,
                }
            ],
        ),
    )
    report.refresh_from_db()
    report_workflow.report_submit(report=report, actor=lead)


def _ask_for_a_move_to_the_partner(project):
    """¥20,000 of the lead's second-year operations moved to the partner: money between
    provinces, so both must consent; the lead's province has, the partner's has yet to."""
    lead_member = project.proposal.members.get(is_lead=True)
    partner = project.proposal.members.filter(is_lead=False, status=MemberStatus.ACCEPTED).first()
    change = changes.change_request(
        project=project,
        actor=project.proposal.lead,
        kind=ChangeKind.REALLOCATION,
        details={
            "moves": [
                Move(
                    (lead_member.pk, "operations", 2),
                    (partner.pk, "operations", 2),
                    Decimal("20000"),
                )
            ]
        },
        reason="合作方承担更多中试测试。/ The partner takes on more of the pilot tests.",
    )
    own = lead_member.institution.province_id
    if own in change.details["consent_from"]:
        changes.change_consent(
            change=change,
            actor=User.objects.get(
                role_grants__province_id=own, role_grants__role="provincial_officer"
            ),
            province_code=own,
            agreed=True,
            note="同意。/ Agreed.",
        )
