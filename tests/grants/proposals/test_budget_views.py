from decimal import Decimal

import pytest

from grants.models import BudgetLine
from tests.factories import make_call, make_proposal, make_user


@pytest.fixture
def consortium(reference):
    lead = make_user(institution="复旦大学")
    partner = make_user(institution="浙江大学")
    proposal = make_proposal(make_call(), lead, partners=[partner], budget=False)
    return lead, partner, proposal


def grid(**cells):
    data = {
        "team-TOTAL_FORMS": "2",
        "team-INITIAL_FORMS": "0",
        "team-MIN_NUM_FORMS": "0",
        "team-MAX_NUM_FORMS": "30",
    }
    data.update({f"cell-{key.replace('_', '-')}": value for key, value in cells.items()})
    return data


def test_partner_edits_only_their_own_part(client, consortium):
    lead, partner, proposal = consortium
    mine = proposal.members.get(pi=partner)
    theirs = proposal.members.get(is_lead=True)
    client.force_login(partner)
    page = client.get(f"/proposals/{proposal.pk}/budget/{mine.pk}/")
    data = grid(operations_1="120,000.00", equipment_1="50000")
    data["digest"] = page.context["digest"]
    data.update({"team-0-name": "潘合作", "team-0-role": "PI", "team-0-person_months": "12"})
    assert client.post(f"/proposals/{proposal.pk}/budget/{mine.pk}/", data).status_code == 302
    assert sorted(mine.budget_lines.values_list("category", "amount")) == [
        ("equipment", Decimal("50000.00")),
        ("operations", Decimal("120000.00")),
    ]
    assert mine.team.get().name == "潘合作"
    assert client.post(f"/proposals/{proposal.pk}/budget/{theirs.pk}/", data).status_code == 403


def test_bad_amounts_are_explained_beside_the_cell_and_kept(client, consortium):
    lead, partner, proposal = consortium
    member = proposal.members.get(is_lead=True)
    client.force_login(lead)
    digest = client.get(f"/proposals/{proposal.pk}/budget/{member.pk}/").context["digest"]
    response = client.post(
        f"/proposals/{proposal.pk}/budget/{member.pk}/",
        {**grid(operations_1="-5", personnel_2="abc", operations_2="99999"), "digest": digest},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"cell-operations-1", "cell-personnel-2"}
    assert 'value="99999"' in response.text and 'value="abc"' in response.text
    assert not BudgetLine.objects.exists()


def test_htmx_preview_shows_totals_by_province(client, consortium):
    lead, partner, proposal = consortium
    member = proposal.members.get(is_lead=True)
    client.force_login(lead)
    response = client.post(
        f"/proposals/{proposal.pk}/budget/{member.pk}/preview/",
        grid(operations_1="1000000"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    # ¥1,000,000 direct, no equipment: indirect 30% → ¥1,300,000 in Shanghai and in total.
    assert "¥1,300,000.00" in response.text
    assert not BudgetLine.objects.exists()


def test_two_saves_of_the_same_part_cannot_overwrite_each_other(client, consortium):
    lead, partner, proposal = consortium
    member = proposal.members.get(pi=partner)
    client.force_login(partner)
    digest = client.get(f"/proposals/{proposal.pk}/budget/{member.pk}/").context["digest"]
    first = client.post(
        f"/proposals/{proposal.pk}/budget/{member.pk}/",
        {**grid(operations_1="1"), "digest": digest},
    )
    assert first.status_code == 302
    second = client.post(
        f"/proposals/{proposal.pk}/budget/{member.pk}/",
        {**grid(operations_1="2"), "digest": digest},
    )
    assert second.status_code == 200 and "Someone else saved" in second.text
    assert member.budget_lines.get().amount == Decimal("1.00")


def test_amounts_are_read_as_typed_with_grouping_and_full_width_digits(client, consortium):
    lead, partner, proposal = consortium
    member = proposal.members.get(is_lead=True)
    client.force_login(lead)
    digest = client.get(f"/proposals/{proposal.pk}/budget/{member.pk}/").context["digest"]
    data = grid(operations_1="1,000.50", equipment_1="１２３４", personnel_2="  12 ")
    data.update(
        {"team-0-name": "张\u200b三\u202e", "team-0-role": "PI", "team-0-person_months": "6"}
    )
    response = client.post(
        f"/proposals/{proposal.pk}/budget/{member.pk}/", {**data, "digest": digest}
    )
    assert response.status_code == 302
    assert sorted(member.budget_lines.values_list("category", "year", "amount")) == [
        ("equipment", 1, Decimal("1234.00")),
        ("operations", 1, Decimal("1000.50")),
        ("personnel", 2, Decimal("12.00")),
    ]
    assert member.team.get().name == "张三"


def test_exponents_underscores_and_signs_are_refused_beside_the_cell_and_kept(client, consortium):
    lead, partner, proposal = consortium
    member = proposal.members.get(is_lead=True)
    client.force_login(lead)
    digest = client.get(f"/proposals/{proposal.pk}/budget/{member.pk}/").context["digest"]
    response = client.post(
        f"/proposals/{proposal.pk}/budget/{member.pk}/",
        {**grid(operations_1="1_000", equipment_1="1E+5", personnel_1="-1"), "digest": digest},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors == {
        "cell-operations-1": ["Enter an amount in yuan, e.g. 12000.50."],
        "cell-equipment-1": ["Enter an amount in yuan, e.g. 12000.50."],
        "cell-personnel-1": ["The amount cannot be negative."],
    }
    for name, typed in [("operations-1", "1_000"), ("equipment-1", "1E+5"), ("personnel-1", "-1")]:
        assert f'id="id_cell-{name}_error"' in response.text
        assert f'value="{typed}"' in response.text
    assert not BudgetLine.objects.exists()


def test_a_team_name_of_invisible_characters_is_refused_beside_the_field(client, consortium):
    lead, partner, proposal = consortium
    member = proposal.members.get(is_lead=True)
    client.force_login(lead)
    digest = client.get(f"/proposals/{proposal.pk}/budget/{member.pk}/").context["digest"]
    data = grid(operations_1="100")
    data.update({"team-0-name": "\u200b\u202e", "team-0-role": "PI", "team-0-person_months": "6"})
    response = client.post(
        f"/proposals/{proposal.pk}/budget/{member.pk}/", {**data, "digest": digest}
    )
    assert response.status_code == 200
    assert response.context["team"].forms[0].errors == {"name": ["This field is required."]}
    assert 'value="6"' in response.text
    assert not member.team.exists()
