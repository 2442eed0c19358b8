"""The API shows what the pages show: each list through grants.accounts.permissions, the
aggregate score to officers only, a provincial officer's own province's award shares; lists in
a constant number of queries; cursor pages; errors in one shape."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.models import Role
from tests.factories import make_call, make_proposal, make_user
from tests.grants.api.factories import bearer, funded_project


@pytest.fixture
def world(reference):
    fund = make_user(roles=[Role.FUND_OFFICER])
    project, lead = funded_project(fund)
    other_lead = make_user(institution="南京大学")
    make_proposal(
        make_call(), other_lead, partners=[make_user(institution="安徽大学")], submit=True
    )
    return {
        "fund": fund,
        "shanghai": make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000"),
        "anhui": make_user(roles=[Role.PROVINCIAL_OFFICER], province="340000"),
        "lead": lead,
        "project": project,
    }


def ids(client, user, path):
    body = client.get(path, **bearer(user)).json()
    return sorted(row["id"] for row in body["results"])


def test_each_role_lists_the_proposals_its_pages_show(client, world):
    proposal = world["project"].proposal_id
    assert len(ids(client, world["fund"], "/api/v1/proposals/")) == 2
    assert ids(client, world["shanghai"], "/api/v1/proposals/") == [proposal]
    assert proposal not in ids(client, world["anhui"], "/api/v1/proposals/")
    assert ids(client, world["lead"], "/api/v1/proposals/") == [proposal]


def test_the_aggregate_score_is_the_officers_alone(client, world):
    path = f"/api/v1/proposals/{world['project'].proposal_id}/"
    officer = client.get(path, **bearer(world["shanghai"])).json()
    applicant = client.get(path, **bearer(world["lead"])).json()
    assert set(officer["aggregate_score"]) == {"score", "reviews", "fundable"}
    assert applicant["aggregate_score"] is None
    assert "reviewer" not in str(officer).lower()
    assert [m["province"] for m in officer["consortium"]] == ["310000", "330000"]
    assert set(officer["budget_by_province"]) == {"310000", "330000"}


def test_a_provincial_officer_reads_only_their_provinces_share(client, world):
    path = f"/api/v1/decisions/{world['project'].decision_id}/"
    shares = client.get(path, **bearer(world["shanghai"])).json()["shares"]
    assert [share["province"] for share in shares] == ["310000"]
    every = client.get(path, **bearer(world["fund"])).json()["shares"]
    assert sorted(share["province"] for share in every) == ["310000", "330000"]


def test_the_ledger_of_a_call_has_the_readers_provinces(client, world):
    code = world["project"].proposal.call.code
    rows = client.get(f"/api/v1/calls/{code}/ledger/", **bearer(world["shanghai"])).json()
    assert [row["province"] for row in rows] == ["310000"]
    assert rows[0]["committed"] != "0.00"
    response = client.get(f"/api/v1/calls/{code}/ledger/", **bearer(world["lead"]))
    assert response.status_code == 403
    assert response.json() == {
        "error": {"code": "permission_denied", "message": response.json()["error"]["message"]}
    }


def test_filters_narrow_a_list_and_bad_values_get_the_error_shape(client, world):
    code = world["project"].proposal.call.code
    assert len(ids(client, world["fund"], f"/api/v1/proposals/?call={code}")) == 1
    response = client.get("/api/v1/proposals/?status=nonsense", **bearer(world["fund"]))
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["status"]


def test_cursor_pages_walk_the_whole_list_once(client, world):
    headers = bearer(world["fund"])
    seen, url = [], "/api/v1/proposals/?page_size=1"
    while url:
        body = client.get(url, **headers).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 2


@pytest.mark.parametrize(
    "path", ["/api/v1/proposals/", "/api/v1/decisions/", "/api/v1/payments/", "/api/v1/projects/"]
)
def test_lists_take_the_same_number_of_queries_for_one_and_three_rows(client, world, path):
    headers = bearer(world["fund"])
    client.get(path, **headers)  # the token's first use is noted once, not on every request

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, **headers).status_code == 200
        return len(queries)

    one = count()
    for _ in range(2):
        funded_project(world["fund"])
    assert count() == one
