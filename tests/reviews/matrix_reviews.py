"""Permission-matrix rows for reviewing and panels (see tests/test_permission_matrix.py)."""

from grants.models import Discipline, Proposal, Role, Screening
from reviews import panels, pool, workflow
from reviews.models import AssignmentRun, ConflictKind, RankingFit
from tests.matrix_roles import PROFILE, SIGNED_OUT
from tests.reviews.factories import make_reviewer

NOT_FOUND = {
    "other_applicant": 404,
    "reviewer_unassigned": 404,
    "reviewer_conflicted": 404,
    "panel_member": 404,
    "panel_chair": 404,
    "officer_other_province": 404,
    "officer_same_province": 404,
    "fund_officer": 404,
    "partner": 404,
    "lead": 404,
}
# Everyone holding the reviewer role has a reviewer's home and settings; the chair is one too.
REVIEWERS = {
    **SIGNED_OUT,
    "*": 403,
    "reviewer_unassigned": 200,
    "reviewer_conflicted": 200,
    "reviewer_assigned": 200,
    "panel_member": 200,
    "panel_chair": 200,
}
OFFICE_ONLY = {**SIGNED_OUT, "*": 403, "fund_officer": 200}
OFFICE_POST = {**SIGNED_OUT, "*": 403, "fund_officer": 302}


def extend_scenario(users, values):
    """The submitted proposal is screened eligible and assigned to two reviewers: one accepted,
    the other declared a conflict. An F panel is chaired by the scenario's chair with the panel
    member among its members; a solver run is queued; an expert has a pending invitation to
    the reviewer pool."""
    from grants.models import Call

    proposal = Proposal.objects.get(pk=values["submitted"])
    Proposal.objects.filter(pk=proposal.pk).update(screening=Screening.ELIGIBLE)
    call = Call.objects.get(code=values["call"])
    officer = users["fund_officer"]
    reviewer = users["reviewer_assigned"]
    item = workflow.assignment_add(proposal=proposal, reviewer=reviewer, actor=officer)
    workflow.assignment_accept(assignment=item, reviewer=reviewer, no_conflict=True)
    conflicted = workflow.assignment_add(
        proposal=proposal, reviewer=users["reviewer_conflicted"], actor=officer
    )
    workflow.assignment_declare_conflict(
        assignment=conflicted, reviewer=users["reviewer_conflicted"], kind=ConflictKind.COAUTHOR
    )
    members = [make_reviewer(institution=place) for place in ["北京大学", "中山大学", "四川大学"]]
    users["panel_member"] = members[0]
    panel = panels.panel_create(
        call=call,
        area=Discipline.objects.get(code="F"),
        name="F",
        chair=users["panel_chair"],
        members=members,
        actor=officer,
    )
    run = AssignmentRun.objects.create(call=call, created_by=officer)
    fit = RankingFit.objects.create(call=call, created_by=officer)
    values.update(
        fit=fit.pk,
        assignment=item.pk,
        conflicted_assignment=conflicted.pk,
        panel=panel.pk,
        entry=panel.entries.get().pk,
        run=run.pk,
    )
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
        REVIEWERS,
    ),
    "review_invitation": (
        "get",
        "/reviews/{assignment}/",
        {**SIGNED_OUT, **NOT_FOUND, "reviewer_assigned": 302},
    ),
    "review_accept": (
        "post",
        "/reviews/{assignment}/accept/",
        {**SIGNED_OUT, **NOT_FOUND, "reviewer_assigned": 302},
    ),
    "review_decline": (
        "post",
        "/reviews/{assignment}/decline/",
        {**SIGNED_OUT, **NOT_FOUND, "reviewer_assigned": 302},
    ),
    "review_conflict": (
        "post",
        "/reviews/{assignment}/conflict/",
        {**SIGNED_OUT, **NOT_FOUND, "reviewer_assigned": 302},
    ),
    "review_form": (
        "get",
        "/reviews/{assignment}/review/",
        {**SIGNED_OUT, **NOT_FOUND, "reviewer_assigned": 200},
    ),
    "review_pdf": (
        "get",
        "/reviews/{assignment}/pdf/",
        {**SIGNED_OUT, **NOT_FOUND, "reviewer_assigned": 200},
    ),
    "review_narrative": (
        "get",
        "/reviews/{assignment}/narrative/",
        {**SIGNED_OUT, **NOT_FOUND, "reviewer_assigned": 404},
    ),
    "assignment_page": ("get", "/office/calls/{call}/assignment/", OFFICE_ONLY),
    "assignment_run": ("post", "/office/calls/{call}/assignment/run/", OFFICE_POST),
    "assignment_progress": ("get", "/office/calls/{call}/assignment/{run}/progress/", OFFICE_ONLY),
    "assignment_adjust": ("post", "/office/calls/{call}/assignment/{run}/adjust/", OFFICE_POST),
    "assignment_add": ("post", "/office/calls/{call}/assignment/add/", OFFICE_POST),
    "assignment_publish": ("post", "/office/calls/{call}/assignment/{run}/publish/", OFFICE_POST),
    # The confirmation page; the review is still open, so it only explains.
    "assignment_reopen": ("get", "/office/assignments/{assignment}/reopen/", OFFICE_ONLY),
    "panel_list": ("get", "/office/calls/{call}/panels/", OFFICE_ONLY),
    "panel_page": (
        "get",
        "/panels/{panel}/",
        {
            **SIGNED_OUT,
            "*": 404,
            "panel_member": 200,
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
            "panel_member": 403,
            "panel_chair": 302,
            "fund_officer": 403,
        },
    ),
    "panel_lock": (
        "post",
        "/panels/{panel}/lock/",
        {**SIGNED_OUT, "*": 404, "panel_member": 403, "panel_chair": 302, "fund_officer": 403},
    ),
    # The calibrated ranking (tests/reviews/test_calibration_views.py); the scenario's call is
    # still open, so starting a fit is refused with the reason and sent back to the page.
    "calibrated_ranking": ("get", "/office/calls/{call}/ranking/", OFFICE_ONLY),
    "ranking_fit_start": ("post", "/office/calls/{call}/ranking/fit/", OFFICE_POST),
    "ranking_fit_progress": ("get", "/office/calls/{call}/ranking/{fit}/progress/", OFFICE_ONLY),
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
        REVIEWERS,
    ),
    # Background exports (tests/reviews/test_export_views.py): everyone has a list of their own;
    # a panel's book is asked for by those who see the panel, a long proposal list by officers.
    "export_list": ("get", "/exports/", {**SIGNED_OUT, "*": 200}),
    "export_download": (
        "get",
        "/exports/{export_job}/download/",
        {**SIGNED_OUT, "*": 404, "fund_officer": 302},
    ),
    # The scenario's job has expired, not failed: its owner is sent back to the list.
    "export_retry": (
        "post",
        "/exports/{export_job}/retry/",
        {**SIGNED_OUT, "*": 404, "fund_officer": 302},
    ),
    "panel_book_request": (
        "post",
        "/panels/{panel}/book/",
        {**SIGNED_OUT, "*": 404, "panel_member": 302, "panel_chair": 302, "fund_officer": 302},
    ),
    "proposals_export_request": (
        "post",
        "/office/calls/{call}/proposals/export/background/",
        {
            **SIGNED_OUT,
            "*": 403,
            "officer_other_province": 302,
            "officer_same_province": 302,
            "fund_officer": 302,
        },
    ),
}


# The conflicted reviewer's own assignment, after the conflict was declared: it is theirs, so
# they are not told it does not exist, but nothing of the proposal opens and it cannot be
# answered again. For everyone else it does not exist. Keyed "<page> <ownership>": the page
# name before the space is the URL's.
CONFLICTED = {**SIGNED_OUT, "*": 404}
CONFLICTED_OWN_ROWS = {
    "review_invitation conflict_declared": (
        "get",
        "/reviews/{conflicted_assignment}/",
        {**CONFLICTED, "reviewer_conflicted": 200},
    ),
    "review_accept conflict_declared": (
        "post",
        "/reviews/{conflicted_assignment}/accept/",
        {**CONFLICTED, "reviewer_conflicted": 302},
    ),
    "review_decline conflict_declared": (
        "post",
        "/reviews/{conflicted_assignment}/decline/",
        {**CONFLICTED, "reviewer_conflicted": 302},
    ),
    "review_conflict conflict_declared": (
        "post",
        "/reviews/{conflicted_assignment}/conflict/",
        {**CONFLICTED, "reviewer_conflicted": 302},
    ),
    "review_form conflict_declared": (
        "get",
        "/reviews/{conflicted_assignment}/review/",
        CONFLICTED,
    ),
    "review_pdf conflict_declared": ("get", "/reviews/{conflicted_assignment}/pdf/", CONFLICTED),
    "review_narrative conflict_declared": (
        "get",
        "/reviews/{conflicted_assignment}/narrative/",
        CONFLICTED,
    ),
}
