"""The demo's funded projects, after the decided call's letters: the lead PI's sodium-ion project
with its task book signed by every party and its first year paid by each province; the grid
resilience project's task book out for signature, waiting for its partner and the provinces."""

from django.utils import timezone

from grants.models import DeliverableKind, MemberStatus, Project, ProjectStatus, User
from grants.projects import payments, signing, task_book
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
