"""Permission-matrix rows for the overlap pages (see tests/test_permission_matrix.py).

The scenario's submitted proposal (a Shanghai lead, a Zhejiang partner) carries a text flag, and
the call a check still running (so posting "Run the check" only reports it and starts nothing).
"""

from grants.models import Proposal
from tests.grants.overlaps.factories_screening import make_flag, make_run
from tests.matrix_roles import POST_SIGNED_OUT, SIGNED_OUT

OFFICERS = {
    **SIGNED_OUT,
    "*": 403,
    "officer_other_province": 200,
    "officer_same_province": 200,
    "fund_officer": 200,
}
# The flag is on a proposal Shanghai takes part in; for Anhui's officer it is not there.
FLAG_READERS = {**OFFICERS, "officer_other_province": 404}


def extend_scenario(users, values):
    proposal = Proposal.objects.get(pk=values["submitted"])
    values["overlap_flag"] = make_flag(proposal).pk
    values["overlap_run"] = make_run(proposal.call, users["fund_officer"], status="running").pk


SCREENING_ROWS = {
    "overlap_list": ("get", "/office/calls/{call}/overlaps/", OFFICERS),
    "overlap_run": (
        "post",
        "/office/calls/{call}/overlaps/run/",
        {**POST_SIGNED_OUT, "*": 403, "fund_officer": 302},
    ),
    "overlap_progress": ("get", "/office/calls/{call}/overlaps/runs/{overlap_run}/", OFFICERS),
    "overlap_flag": ("get", "/office/calls/{call}/overlaps/{overlap_flag}/", FLAG_READERS),
    # Posted empty: the page again with the error.
    "overlap_resolve": (
        "post",
        "/office/calls/{call}/overlaps/{overlap_flag}/screen/",
        {**POST_SIGNED_OUT, "*": 403, "officer_other_province": 404, "fund_officer": 200},
    ),
}
