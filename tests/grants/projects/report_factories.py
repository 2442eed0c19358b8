"""A running project with milestones and its reports, for the report tests."""

import io
from datetime import date

from pypdf import PdfWriter

from grants.models import MemberStatus, Milestone, ProjectStatus, ReportKind
from grants.projects import project_workflow
from tests.grants.projects.factories import decided_call, first_project

STARTS_ON = date(2026, 1, 1)  # 36 months: annual reports for years 1 and 2, then the final


def running_project():
    """(project, lead, partner, fund officer); milestones due in months 6, 12 and 30."""
    _, proposals, officer = decided_call()
    project = first_project(proposals)
    project.status = ProjectStatus.SIGNING
    project.save(update_fields=["status"])
    project = project_workflow.project_start(project, on=STARTS_ON)
    members = list(project.proposal.members.filter(status=MemberStatus.ACCEPTED).order_by("pk"))
    lead_member = next(m for m in members if m.is_lead)
    partner_member = next(m for m in members if not m.is_lead)
    for title, month, member in (
        ("Survey of the sites", 6, lead_member),
        ("Prototype sensor", 12, partner_member),
        ("Field trial", 30, lead_member),
    ):
        Milestone.objects.create(project=project, title=title, due_month=month, member=member)
    return project, project.proposal.lead, partner_member.pi, officer


def annual(project, year=1):
    return project.reports.get(kind=ReportKind.ANNUAL, year=year)


def final(project):
    return project.reports.get(kind=ReportKind.FINAL)


def members(project):
    return list(
        project.proposal.members.filter(status=MemberStatus.ACCEPTED).order_by("-is_lead", "pk")
    )


def form_data(report, *, states=None, spending=None, outputs=(), **fields):
    """The report form as the browser posts it. ``states``: one (state, note) per milestone
    due; ``spending``: one amount per member × category cell (4 categories a member); outputs:
    dicts of output fields."""
    from grants.projects.report_workflow import due_milestones

    due = due_milestones(report)
    cells = len(members(report.project)) * 4
    states = states if states is not None else [("done", "")] * len(due)
    spending = spending if spending is not None else ["1,000"] * cells
    data = {
        "report-version": report.version,
        "report-progress": fields.get("progress", "进展顺利。"),
        "report-collaboration": fields.get("collaboration", "联合论文一篇。"),
        "report-transfer": fields.get("transfer", ""),
        "milestones-TOTAL_FORMS": len(due),
        "milestones-INITIAL_FORMS": len(due),
        "spending-TOTAL_FORMS": cells,
        "spending-INITIAL_FORMS": cells,
        "outputs-TOTAL_FORMS": len(outputs) + 2,
        "outputs-INITIAL_FORMS": 0,
    }
    for i, (state, note) in enumerate(states):
        data[f"milestones-{i}-state"], data[f"milestones-{i}-note"] = state, note
    for i, amount in enumerate(spending):
        data[f"spending-{i}-amount"] = amount
    for i, output in enumerate(outputs):
        for name, value in output.items():
            data[f"outputs-{i}-{name}"] = value
    return data


def pdf_bytes(pages=1):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
