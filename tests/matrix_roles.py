"""Expected statuses shared by every area's permission-matrix rows."""

LOGIN, PROFILE = "login", "profile"  # a 302 to the sign-in page, or to complete the profile

OUTSIDERS = {
    "other_applicant": 404,
    "reviewer_assigned": 404,
    "reviewer_unassigned": 404,
    "reviewer_conflicted": 404,
    "panel_member": 404,
    "panel_chair": 404,
    "officer_other_province": 404,
    "officer_same_province": 404,
    "fund_officer": 404,
}
SIGNED_OUT = {"anonymous": LOGIN, "incomplete": PROFILE}
POST_SIGNED_OUT = {"anonymous": LOGIN, "incomplete": PROFILE}
