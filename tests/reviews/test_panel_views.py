"""The panel pages' forms posted through their views: creating a panel, the chair's consensus
scores and locking the ranking."""

from decimal import Decimal

import pytest

from grants.models import Discipline, Role
from reviews import panels, workflow
from reviews.forms import SCORE_CHOICES
from reviews.models import Panel, PanelEntry
from tests.factories import make_user
from tests.reviews.factories import full_review, make_assignment, make_review_call, make_reviewer

CONSENSUS_CHOICES = [value for value, _label in SCORE_CHOICES if value not in ("", "na")]


@pytest.fixture
def panel_call(reference):
    """Two proposals in review: ``high`` scored 3.9 by one reviewer, ``low`` 3 on everything;
    three possible members from three provinces, a chair and an officer."""
    call, (high, low) = make_review_call(n_proposals=2)
    reviewer = make_reviewer(institution="四川大学")
    for proposal, data in (
        (high, full_review()),
        (
            low,
            full_review(
                **dict.fromkeys(("excellence", "impact", "implementation", "collaboration"), "3")
            ),
        ),
    ):
        item = make_assignment(proposal, reviewer)
        workflow.review_save(assignment=item, reviewer=reviewer, data=data, submit=True)
    members = [make_reviewer(institution=place) for place in ("北京大学", "武汉大学", "中山大学")]
    chair = make_user(institution="清华大学", roles=[Role.PANEL_CHAIR])
    officer = make_user(roles=[Role.FUND_OFFICER])
    return call, (high, low), members, chair, officer


def panel_post(call, members, chair, **overrides):
    data = {
        "name": "信息科学评审组",
        "area": Discipline.objects.get(code="F").pk,
        "chair": chair.pk,
        "members": [member.pk for member in members],
    }
    data.update(overrides)
    return data


@pytest.fixture
def panel(panel_call):
    call, _proposals, members, chair, officer = panel_call
    return panels.panel_create(
        call=call,
        area=Discipline.objects.get(code="F"),
        name="F",
        chair=chair,
        members=members,
        actor=officer,
    )


def test_the_office_creates_a_panel_with_every_proposal_of_its_area(client, panel_call):
    call, (high, low), members, chair, officer = panel_call
    client.force_login(officer)
    response = client.post(f"/office/calls/{call.code}/panels/", panel_post(call, members, chair))
    assert response.status_code == 302
    panel = Panel.objects.get()
    assert (panel.name, panel.chair, set(panel.members.all())) == (
        "信息科学评审组",
        chair,
        set(members),
    )
    assert set(panel.entries.values_list("proposal", flat=True)) == {high.pk, low.pk}


def test_a_panel_without_a_name_is_refused_beside_the_field_and_the_rest_kept(client, panel_call):
    call, _proposals, members, chair, officer = panel_call
    client.force_login(officer)
    response = client.post(
        f"/office/calls/{call.code}/panels/", panel_post(call, members, chair, name="")
    )
    assert response.status_code == 200 and not Panel.objects.exists()
    form = response.context["form"]
    assert form.errors["name"] == ["This field is required."]
    assert form["chair"].value() == str(chair.pk)
    assert sorted(form["members"].value()) == sorted(str(m.pk) for m in members)


def test_a_panel_from_too_few_provinces_is_refused_beside_the_members(client, panel_call):
    call, _proposals, members, chair, officer = panel_call
    client.force_login(officer)
    response = client.post(
        f"/office/calls/{call.code}/panels/", panel_post(call, members[:1], chair)
    )
    assert response.status_code == 200 and not Panel.objects.exists()
    assert "at least" in response.context["form"].errors["members"][0]


def ranking(client, panel):
    return [row.proposal.pk for row in client.get(f"/panels/{panel.pk}/").context["rows"]]


@pytest.mark.parametrize("score", CONSENSUS_CHOICES)
def test_the_chair_records_every_consensus_score_and_the_ranking_follows_it(
    client, panel_call, panel, score
):
    _call, (high, low), _members, chair, _officer = panel_call
    client.force_login(chair)
    assert ranking(client, panel) == [high.pk, low.pk]
    entry = PanelEntry.objects.get(proposal=high)
    response = client.post(
        f"/panels/{panel.pk}/entries/{entry.pk}/consensus/", {"score": score, "comment": "一致"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.consensus_score, entry.consensus_comment) == (Decimal(score), "一致")
    # ``low`` has a mean of 3: a lower consensus for ``high`` puts it second; at 3 the tie
    # goes to the first criterion, where ``high`` has 4.
    expected = [high.pk, low.pk] if Decimal(score) >= 3 else [low.pk, high.pk]
    assert ranking(client, panel) == expected


@pytest.mark.parametrize("score", ["", "5.5", "4.2", "-1", "na", "abc"])
def test_a_consensus_score_off_the_half_points_is_refused(client, panel_call, panel, score):
    _call, (high, _low), _members, chair, _officer = panel_call
    client.force_login(chair)
    entry = PanelEntry.objects.get(proposal=high)
    response = client.post(
        f"/panels/{panel.pk}/entries/{entry.pk}/consensus/", {"score": score}, follow=True
    )
    assert "Give the consensus score from 0 to 5 in half points." in response.text
    entry.refresh_from_db()
    assert entry.consensus_score is None


def test_a_member_cannot_record_a_consensus_score(client, panel_call, panel):
    _call, (high, _low), members, _chair, _officer = panel_call
    client.force_login(members[0])
    entry = PanelEntry.objects.get(proposal=high)
    response = client.post(f"/panels/{panel.pk}/entries/{entry.pk}/consensus/", {"score": "4"})
    assert response.status_code == 403


def test_the_chair_locks_the_ranking_with_a_reason_for_each_move(client, panel_call, panel):
    _call, (high, low), _members, chair, _officer = panel_call
    client.force_login(chair)
    response = client.post(
        f"/panels/{panel.pk}/lock/",
        {
            f"place_{high.pk}": "2",
            f"place_{low.pk}": "1",
            f"reason_{low.pk}": "产业意义更大",
            f"reason_{high.pk}": "让位",
        },
        follow=True,
    )
    assert "The ranking is locked." in response.text
    panel.refresh_from_db()
    assert panel.locked_at and panel.locked_by == chair
    assert list(panel.entries.order_by("position").values_list("proposal", "reorder_reason")) == [
        (low.pk, "产业意义更大"),
        (high.pk, "让位"),
    ]


def test_a_move_without_a_reason_leaves_the_ranking_open(client, panel_call, panel):
    _call, (high, low), _members, chair, _officer = panel_call
    client.force_login(chair)
    response = client.post(
        f"/panels/{panel.pk}/lock/", {f"place_{high.pk}": "2", f"place_{low.pk}": "1"}, follow=True
    )
    assert "Write why" in response.text
    panel.refresh_from_db()
    assert panel.locked_at is None
