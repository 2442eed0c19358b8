"""The fund office edits a call's review criteria while it is a draft; once the call opens they
are frozen, like every other rule."""

from decimal import Decimal

import pytest

from grants.core.errors import WorkflowError
from grants.models import AuditEntry, Role
from reviews import criteria as reviews_criteria
from reviews.models import Criterion
from tests.factories import make_call, make_user

URL = "/office/calls/{}/criteria/"


@pytest.fixture
def officer(reference):
    return make_user(roles=[Role.FUND_OFFICER])


@pytest.fixture
def office(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def draft(reference):
    return make_call("draft-call", status_open=False)


def default_rows():
    """The four default criteria as the page shows them, each in its place."""
    return [
        {
            "key": key,
            "name_zh": name_zh,
            "name_en": name_en,
            "weight": str(weight),
            "threshold": "3.0",
            "ORDER": str(position),
        }
        for position, (key, name_zh, name_en, weight) in enumerate(
            reviews_criteria.DEFAULT_CRITERIA, 1
        )
    ]


def posted(rows, initial=4):
    """The formset as a browser posts it: the saved rows first, then any new ones."""
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(initial),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "20",
    }
    for index, row in enumerate(rows):
        data.update({f"form-{index}-{name}": value for name, value in row.items()})
    return data


def saved(call):
    return [
        (c.key, c.name_zh, c.name_en, c.weight, c.threshold)
        for c in Criterion.objects.filter(call=call).order_by("order")
    ]


def test_a_draft_starts_with_the_four_default_criteria_in_a_form(office, draft):
    response = office.get(URL.format(draft.code))
    assert [form.initial["key"] for form in response.context["formset"].initial_forms] == [
        "excellence",
        "impact",
        "implementation",
        "collaboration",
    ]
    assert response.context["editable"] is True
    assert 'name="form-0-weight" value="0.30"' in response.text
    assert 'name="form-4-name_en"' in response.text  # an empty row to add one


def test_editing_a_drafts_criteria_saves_them_in_order_and_records_the_change(
    office, officer, draft
):
    office.get(URL.format(draft.code))
    rows = default_rows()
    rows[0].update(name_en="Scientific excellence", weight="0.40", threshold="3.5")
    rows[1].update(ORDER="3")  # impact moves below implementation
    rows[2].update(ORDER="2")
    rows[3].update(DELETE="on")
    rows.append(
        {
            "key": "",
            "name_zh": "团队与条件",
            "name_en": "Team & conditions",
            "weight": "0.2",
            "threshold": "2.5",
            "ORDER": "",
        }
    )
    response = office.post(URL.format(draft.code), posted(rows))
    assert response.status_code == 302 and response["Location"] == URL.format(draft.code)
    assert saved(draft) == [
        (
            "excellence",
            "科学价值与创新性",
            "Scientific excellence",
            Decimal("0.40"),
            Decimal("3.5"),
        ),
        ("implementation", "可行性与实施", "Implementation", Decimal("0.20"), Decimal("3.0")),
        ("impact", "影响与产业意义", "Impact", Decimal("0.30"), Decimal("3.0")),
        ("team_conditions", "团队与条件", "Team & conditions", Decimal("0.20"), Decimal("2.5")),
    ]
    entry = AuditEntry.objects.get(call=draft, action="call.criteria_updated")
    assert entry.actor == officer
    assert [c["key"] for c in entry.before["criteria"]] == [
        "excellence",
        "impact",
        "implementation",
        "collaboration",
    ]
    assert entry.after["criteria"][0] == {
        "key": "excellence",
        "name_zh": "科学价值与创新性",
        "name_en": "Scientific excellence",
        "weight": "0.40",
        "threshold": "3.5",
    }


def test_saving_without_a_change_records_nothing(office, draft):
    office.get(URL.format(draft.code))
    office.post(URL.format(draft.code), posted(default_rows()))
    assert not AuditEntry.objects.filter(action="call.criteria_updated").exists()


def test_a_new_criterion_never_takes_an_existing_key(office, draft):
    office.get(URL.format(draft.code))
    new = {"key": "", "name_zh": "社会影响", "name_en": "Impact!", "weight": "0.1"}
    response = office.post(
        URL.format(draft.code), posted([*default_rows(), {**new, "threshold": "3"}])
    )
    assert response.status_code == 302
    assert [key for key, *_rest in saved(draft)][-1] == "impact_2"


@pytest.mark.parametrize(
    "name, taken, key",
    [
        ("Budget reasonableness", set(), "budget_reasonableness"),
        ("Team & conditions", set(), "team_conditions"),
        ("Impact", {"impact"}, "impact_2"),
        ("Impact", {"impact", "impact_2"}, "impact_3"),
        ("科学价值", set(), "criterion"),
        # Thirty characters at most, the suffix included.
        ("Relevance to the Yangtze River Delta", set(), "relevance_to_the_yangtze_river"),
        (
            "Relevance to the Yangtze River Delta",
            {"relevance_to_the_yangtze_river"},
            "relevance_to_the_yangtze_riv_2",
        ),
    ],
)
def test_criterion_keys_come_from_the_english_name(name, taken, key):
    assert reviews_criteria.criterion_key(name, taken) == key


def test_errors_show_beside_their_fields_and_nothing_typed_is_lost(office, draft):
    office.get(URL.format(draft.code))
    rows = default_rows()
    rows[0].update(weight="0", name_zh="科学价值（修改）")
    rows[1].update(threshold="3.3")
    rows[2].update(name_en="")
    rows.append(
        {
            "key": "",
            "name_zh": "预算合理性",
            "name_en": "Budget",
            "weight": "-1",
            "threshold": "6",
            "ORDER": "",
        }
    )
    response = office.post(URL.format(draft.code), posted(rows))
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert forms[0].errors == {"weight": ["The weight must be above 0."]}
    half_points = ["Give the threshold from 0 to 5 in half points, such as 3."]
    assert forms[1].errors == {"threshold": half_points}
    assert forms[2].errors == {"name_en": ["This field is required."]}
    assert forms[4].errors == {"weight": ["The weight must be above 0."], "threshold": half_points}
    assert '<p class="error" id="id_form-0-weight_error">The weight must be above 0.</p>' in (
        response.text
    )
    for typed in (
        'name="form-0-name_zh" value="科学价值（修改）"',
        'name="form-1-threshold" value="3.3"',
        'name="form-4-name_zh" value="预算合理性"',
        'name="form-4-weight" value="-1"',
    ):
        assert typed in response.text
    assert saved(draft)[0][1:4] == ("科学价值与创新性", "Excellence", Decimal("0.30"))
    assert not AuditEntry.objects.filter(action="call.criteria_updated").exists()


def test_two_criteria_cannot_share_an_english_name(office, draft):
    office.get(URL.format(draft.code))
    rows = default_rows()
    rows[1].update(name_en="excellence ")
    response = office.post(URL.format(draft.code), posted(rows))
    assert response.context["formset"].forms[1].errors == {
        "name_en": ["Another criterion has this English name."]
    }


def test_at_least_one_criterion_stays(office, draft):
    office.get(URL.format(draft.code))
    rows = [{**row, "DELETE": "on"} for row in default_rows()]
    response = office.post(URL.format(draft.code), posted(rows))
    assert list(response.context["formset"].non_form_errors()) == ["Keep at least one criterion."]
    assert len(saved(draft)) == 4


def test_a_criterion_removed_meanwhile_refuses_the_save_and_keeps_the_input(office, draft):
    office.get(URL.format(draft.code))
    Criterion.objects.filter(call=draft, key="collaboration").delete()
    rows = default_rows()
    rows[0].update(name_en="Excellence (edited)")
    response = office.post(URL.format(draft.code), posted(rows))
    assert "changed by someone else" in response.context["refusal"]
    assert 'value="Excellence (edited)"' in response.text
    assert saved(draft)[0][2] == "Excellence"


def test_an_open_calls_criteria_are_read_only(office, reference):
    call = make_call("open-call")
    response = office.get(URL.format(call.code))
    assert response.context["editable"] is False
    assert '<form method="post"' not in response.text.split("<main", 1)[-1]
    assert 'data-criterion="excellence"' in response.text
    assert "its criteria are frozen" in response.text


def test_criteria_cannot_change_after_opening(office, reference):
    call = make_call("open-call")
    office.get(URL.format(call.code))
    rows = default_rows()
    rows[0].update(weight="0.9")
    response = office.post(URL.format(call.code), posted(rows))
    assert response.status_code == 200
    assert response.context["refusal"] == "The call has opened: its criteria can no longer change."
    assert saved(call)[0][3] == Decimal("0.30")
    assert not AuditEntry.objects.filter(action="call.criteria_updated").exists()


def test_the_workflow_refuses_after_opening_whoever_calls_it(officer, reference):
    call = make_call("open-call")
    reviews_criteria.criteria_for(call)
    row = {"key": "excellence", "name_zh": "科学", "name_en": "Science"}
    with pytest.raises(WorkflowError, match="can no longer change"):
        reviews_criteria.criteria_save(
            call=call,
            actor=officer,
            rows=[{**row, "weight": Decimal(1), "threshold": Decimal(3)}],
            removed=["impact", "implementation", "collaboration"],
        )


@pytest.mark.parametrize(
    "weight, threshold, message",
    [
        (Decimal(0), Decimal(3), "weight must be above 0"),
        (Decimal(1), Decimal("2.7"), "from 0 to 5 in half points"),
        (Decimal(1), Decimal("5.5"), "from 0 to 5 in half points"),
    ],
)
def test_the_workflow_checks_weights_and_thresholds(officer, draft, weight, threshold, message):
    reviews_criteria.criteria_for(draft)
    row = {"key": "excellence", "name_zh": "科学", "name_en": "Science"}
    with pytest.raises(WorkflowError, match=message):
        reviews_criteria.criteria_save(
            call=draft,
            actor=officer,
            rows=[{**row, "weight": weight, "threshold": threshold}],
            removed=["impact", "implementation", "collaboration"],
        )


def test_the_call_pages_link_to_the_criteria(office, draft):
    response = office.get(f"/office/calls/{draft.code}/")
    assert f'href="{URL.format(draft.code)}"' in response.text
    page = office.get(URL.format(draft.code))
    assert f'<a href="{URL.format(draft.code)}" aria-current="page">' in page.text


def test_provincial_officers_cannot_open_the_criteria(client, reference):
    call = make_call("open-call")
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000"))
    assert client.get(URL.format(call.code)).status_code == 403
