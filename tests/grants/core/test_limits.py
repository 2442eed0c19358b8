"""The ceilings of grants.core.limits: at the form, on the model and across the migration."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from grants.core import limits
from grants.models import Call, Proposal
from tests.factories import make_call, make_proposal, make_user
from tests.grants.proposals.test_proposal_edit import form_data


@pytest.fixture
def draft(reference):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(make_call(), lead, partners=[make_user(institution="浙江大学")])
    return lead, proposal


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("abstract_zh", limits.ABSTRACT_ZH),
        ("abstract_en", limits.ABSTRACT_EN),
        ("industry_problem", limits.INDUSTRY_PROBLEM),
        ("section_rationale", limits.SECTION_RATIONALE),
        ("section_basis", limits.SECTION_BASIS),
        ("section_other", limits.SECTION_OTHER),
        ("other_funding_details", limits.OTHER_FUNDING_DETAILS),
    ],
)
def test_draft_form_refuses_an_over_long_text_next_to_the_field_and_keeps_it(
    client, draft, field, limit
):
    lead, proposal = draft
    client.force_login(lead)
    typed = "长" * (limit + 1)
    response = client.post(f"/proposals/{proposal.pk}/edit/", form_data(proposal, **{field: typed}))
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert errors == [f"Ensure this value has at most {limit} characters (it has {limit + 1})."]
    assert typed in response.text
    proposal.refresh_from_db()
    assert getattr(proposal, field) != typed


def test_draft_form_saves_a_text_at_its_ceiling(client, draft):
    lead, proposal = draft
    client.force_login(lead)
    text = "长" * limits.SECTION_RATIONALE
    response = client.post(
        f"/proposals/{proposal.pk}/edit/", form_data(proposal, section_rationale=text)
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.section_rationale == text


def test_checklist_refuses_a_section_written_before_the_ceiling(client, draft):
    lead, proposal = draft
    Proposal.objects.filter(pk=proposal.pk).update(section_basis="长" * (limits.SECTION_BASIS + 1))
    client.force_login(lead)
    page = client.get(f"/proposals/{proposal.pk}/edit/")
    assert 'data-code="section_too_long"' in page.text
    response = client.post(f"/proposals/{proposal.pk}/submit/")
    proposal.refresh_from_db()
    assert response.status_code == 302 and proposal.status == "draft"


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        (Proposal, "section_other", limits.SECTION_OTHER),
        (Proposal, "screening_reason", limits.SCREENING_REASON),
        (Call, "summary_zh", limits.CALL_SUMMARY),
    ],
)
def test_model_validation_refuses_an_over_long_text(model, field, limit):
    with pytest.raises(ValidationError) as raised:
        model._meta.get_field(field).clean("x" * (limit + 1), None)
    assert raised.value.messages == [
        f"Ensure this value has at most {limit} characters (it has {limit + 1})."
    ]


def test_review_and_panel_texts_are_bounded():
    from reviews.forms import ConsensusForm, ReviewForm
    from reviews.models import PanelEntry, Review

    assert Review._meta.get_field("comments_for_applicants").max_length == (
        limits.REVIEW_COMMENTS_FOR_APPLICANTS
    )
    assert PanelEntry._meta.get_field("reorder_reason").max_length == limits.PANEL_REORDER_REASON
    form = ReviewForm({"comments_for_applicants": "x" * 9000}, criteria=[])
    assert not form.is_valid() and "comments_for_applicants" in form.errors
    form = ConsensusForm({"score": "3.0", "comment": "x" * (limits.PANEL_CONSENSUS_COMMENT + 1)})
    assert not form.is_valid() and "comment" in form.errors


def test_office_reasons_are_bounded():
    from grants.proposals.forms import ReturnForm, ScreeningForm

    too_long = "x" * (limits.RETURN_REASON + 1)
    assert "reason" in ReturnForm({"reason": too_long}).errors
    assert "reason" in ScreeningForm({"decision": "ineligible", "reason": too_long}).errors


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_rows_longer_than_the_new_ceilings(reference):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(make_call(), lead, partners=[make_user(institution="浙江大学")])
    long_text = "旧" * (limits.SECTION_RATIONALE * 2)
    Proposal.objects.filter(pk=proposal.pk).update(
        section_rationale=long_text, abstract_zh=long_text
    )
    executor = MigrationExecutor(connection)
    executor.migrate(
        [("grants", "0010_stored_fundable"), ("reviews", "0005_assignment_page_index")]
    )
    executor = MigrationExecutor(connection)
    executor.migrate([("grants", "0011_text_limits"), ("reviews", "0006_text_limits")])
    kept = Proposal.objects.get(pk=proposal.pk)
    # Forward to the latest migrations again, for the tests that run after this one.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert kept.section_rationale == long_text and kept.abstract_zh == long_text
