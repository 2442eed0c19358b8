"""Permission-matrix rows for reviewing and panels (see tests/test_permission_matrix.py)."""

from grants.models import Discipline, Proposal, Role, Screening
from reviews import pool, workflow
from reviews.models import AssignmentRun
from tests.matrix_roles import PROFILE, SIGNED_OUT
from tests.reviews.factories import make_reviewer

NOT_FOUND = {
    "other_applicant": 404,
    "panel_chair": 404,
    "officer_other_province": 404,
    "officer_same_province": 404,
    "fund_officer": 404,
    "partner": 404,
    "lead": 404,
}
OFFICE_ONLY = {**SIGNED_OUT, "*": 403, "fund_officer": 200}
OFFICE_POST = {**SIGNED_OUT, "*": 403, "fund_officer": 302}


def extend_scenario(users, values):
    """The submitted proposal is screened eligible and assigned to the scenario's reviewer, who
    accepted; an F panel is chaired by the scenario's chair; a solver run is queued; an expert
    has a pending invitation to the reviewer pool."""
    from grants.models import Call

    proposal = Proposal.objects.get(pk=values["submitted"])
    Proposal.objects.filter(pk=proposal.pk).update(screening=Screening.ELIGIBLE)
    call = Call.objects.get(code=values["call"])
    officer = users["fund_officer"]
    reviewer = users["reviewer"]
    item = workflow.assignment_add(proposal=proposal, reviewer=reviewer, actor=officer)
    workflow.assignment_accept(assignment=item, reviewer=reviewer, no_conflict=True)
    members = [make_reviewer(institution=place) for place in ["北京大学", "中山大学", "四川大学"]]
    panel = workflow.panel_create(
        call=call,
        area=Discipline.objects.get(code="F"),
        name="F",
        chair=users["panel_chair"],
        members=members,
        actor=officer,
    )
    run = AssignmentRun.objects.create(call=call, created_by=officer)
    values.update(assignment=item.pk, panel=panel.pk, entry=panel.entries.get().pk, run=run.pk)
    users["panel_chair"].role_grants.get_or_create(role=Role.REVIEWER)
    # A pending expert invitation to the reviewer pool.
    expert_token = pool.expert_invitation_send(
        actor=officer, email="new.expert@example.org", name="New Expert"
    )
    values.update(
        expert_token=expert_token,
        expert_invitation=pool.expert_invitation_by_token(expert_token).pk,
    )


REVIEW_ROWS = {
    "reviewer_home": (
        "get",
        "/reviews/",
        {**SIGNED_OUT, "*": 403, "reviewer": 200, "panel_chair": 200},
    ),
    "review_invitation": (
        "get",
        "/reviews/{assignment}/",
        {**SIGNED_OUT, **NOT_FOUND, "reviewer": 302},
    ),
    "review_accept": (
        "post",
        "/reviews/{assignment}/accept/",
        {**SIGNED_OUT, **NOT_FOUND, "reviewer": 302},
    ),
    "review_decline": (
        "post",
        "/reviews/{assignment}/decline/",
        {**SIGNED_OUT, **NOT_FOUND, "reviewer": 302},
    ),
    "review_conflict": (
        "post",
        "/reviews/{assignment}/conflict/",
        {**SIGNED_OUT, **NOT_FOUND, "reviewer": 302},
    ),
    "review_form": (
        "get",
        "/reviews/{assignment}/review/",
        {**SIGNED_OUT, **NOT_FOUND, "reviewer": 200},
    ),
    "review_pdf": (
        "get",
        "/reviews/{assignment}/pdf/",
        {**SIGNED_OUT, **NOT_FOUND, "reviewer": 200},
    ),
    "review_narrative": (
        "get",
        "/reviews/{assignment}/narrative/",
        {**SIGNED_OUT, **NOT_FOUND, "reviewer": 404},
    ),
    "assignment_page": ("get", "/office/calls/{call}/assignment/", OFFICE_ONLY),
    "assignment_run": ("post", "/office/calls/{call}/assignment/run/", OFFICE_POST),
    "assignment_progress": ("get", "/office/calls/{call}/assignment/{run}/progress/", OFFICE_ONLY),
    "assignment_adjust": ("post", "/office/calls/{call}/assignment/{run}/adjust/", OFFICE_POST),
    "assignment_add": ("post", "/office/calls/{call}/assignment/add/", OFFICE_POST),
    "assignment_publish": ("post", "/office/calls/{call}/assignment/{run}/publish/", OFFICE_POST),
    "panel_list": ("get", "/office/calls/{call}/panels/", OFFICE_ONLY),
    "panel_page": (
        "get",
        "/panels/{panel}/",
        {
            **SIGNED_OUT,
            "*": 404,
            "panel_chair": 200,
            "fund_officer": 200,
        },
    ),
    "panel_consensus": (
        "post",
        "/panels/{panel}/entries/{entry}/consensus/",
        {
            **SIGNED_OUT,
            "*": 404,
            "panel_chair": 302,
            "fund_officer": 403,
        },
    ),
    "panel_lock": (
        "post",
        "/panels/{panel}/lock/",
        {**SIGNED_OUT, "*": 404, "panel_chair": 302, "fund_officer": 403},
    ),
    "reviewer_pool": ("get", "/office/reviewers/", OFFICE_ONLY),
    # Posted empty, the invitation form comes back with its errors.
    "expert_invite": ("post", "/office/reviewers/invite/", OFFICE_ONLY),
    "expert_invitation_revoke": (
        "post",
        "/office/reviewers/invitations/{expert_invitation}/revoke/",
        OFFICE_POST,
    ),
    "reviewer_import": ("get", "/office/reviewers/import/", OFFICE_ONLY),
    "expert_invitation": (
        "get",
        "/experts/invitations/{expert_token}/",
        {"*": 200, "incomplete": PROFILE},
    ),
    "reviewer_settings": (
        "get",
        "/reviews/settings/",
        {**SIGNED_OUT, "*": 403, "reviewer": 200, "panel_chair": 200},
    ),
}
