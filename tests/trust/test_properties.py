"""Property tests over the forms that write money and rules: whatever is typed into a field is
either refused with a message beside a field (and shown back as typed) or stored as typed.
Never a server error."""

import html
import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grants.core.money import AmountError, parse_amount
from grants.core.validators import display_text
from grants.models import BudgetLine, Call, Contribution, Role, TeamMember
from grants.proposals import consortium_workflow
from tests.factories import make_call, make_proposal, make_user
from tests.grants.calls.test_office_calls import call_data

EXAMPLES = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# What people paste into an amount or a count: text of any kind, numbers written in every way
# Python's Decimal reads them (exponents, NaN, infinities, underscores), thousands separators.
NUMBERISH = st.one_of(
    st.text(max_size=30),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.from_regex(r"\s*-?[0-9,，]{1,16}(\.[0-9]{0,4})?\s*", fullmatch=True),
)


def as_number(typed: str):
    """The amount a successful save must have stored for ``typed``: a plain decimal number
    (grouping commas and full-width digits allowed), or 0 for a blank; None when ``typed`` is
    no amount (an exponent, an underscore, a sign, NaN...) and must be refused."""
    if not typed.strip():
        return Decimal(0)
    try:
        return parse_amount(typed)
    except AmountError:
        return None


def shown_back(response, typed: str) -> bool:
    """Whether the page shows what was typed, escaped, as the value of its field."""
    return html.escape(typed) in response.text


# ---- a member's budget ----------------------------------------------------------------------


@pytest.fixture
def budget_page(client, reference):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(make_call(), lead, partners=[make_user(institution="浙江大学")])
    member = proposal.members.get(is_lead=True)
    client.force_login(lead)
    return f"/proposals/{proposal.pk}/budget/{member.pk}/", member


def budget_post(member, *, amount="", name="Zhang San", role="", months="6"):
    """The page as a browser posts it when the part had no team yet (each example starts
    from that, as the rows a page lists count as initial forms)."""
    TeamMember.objects.filter(member=member).delete()
    return {
        "digest": consortium_workflow.lines_digest(member),
        "cell-operations-1": amount,
        "team-TOTAL_FORMS": "1",
        "team-INITIAL_FORMS": "0",
        "team-MIN_NUM_FORMS": "0",
        "team-MAX_NUM_FORMS": "30",
        "team-0-name": name,
        "team-0-role": role,
        "team-0-person_months": months,
    }


@EXAMPLES
@given(amount=NUMBERISH)
def test_any_amount_is_stored_exactly_or_refused_beside_its_cell(client, budget_page, amount):
    url, member = budget_page
    response = client.post(url, budget_post(member, amount=amount))
    assert response.status_code in {200, 302}
    stored = {line.year: line.amount for line in BudgetLine.objects.filter(member=member)}
    if response.status_code == 302:
        number = as_number(amount)
        assert number is not None and number.is_finite()
        assert stored.get(1, Decimal(0)) == number
        assert (1 in stored) == (number != 0)
    else:
        assert response.context["form"].errors["cell-operations-1"]
        assert shown_back(response, amount)


@EXAMPLES
@given(name=st.text(max_size=120), role=st.text(max_size=120), months=NUMBERISH)
def test_any_team_row_is_stored_as_typed_or_refused_beside_its_field(
    client, budget_page, name, role, months
):
    url, member = budget_page
    response = client.post(url, budget_post(member, name=name, role=role, months=months))
    assert response.status_code in {200, 302}
    shown = display_text(name) + display_text(role) + months.strip()
    if response.status_code == 302 and not shown:
        # A blank row is no row, also one of only invisible characters (display_text).
        assert not TeamMember.objects.filter(member=member).exists()
    elif response.status_code == 302:
        row = TeamMember.objects.get(member=member)
        # Names are shown in lists and PDFs: kept as typed, less invisible characters and
        # runs of spaces (grants.core.validators.display_text).
        assert (row.name, row.role) == (display_text(name), display_text(role))
        assert row.person_months == Decimal(months.strip())
    else:
        errors = response.context["team"].forms[0].errors
        assert set(errors) & {"name", "role", "person_months"}
        for typed in (name, role, months):
            assert shown_back(response, typed)


# ---- a call's rules -------------------------------------------------------------------------


TEXT_RULES = ["title_zh", "title_en", "summary_zh", "summary_en"]
NUMBER_RULES = [
    "min_provinces",
    "max_institutions",
    "max_led_per_pi",
    "attachment_max_mb",
    "max_direct_total",
    "max_direct_per_year",
    "max_equipment_share",
    "overall_threshold",
    "panel_max_province_share",
    "contribution_320000",
]
MONEY_RULES = {"max_direct_total", "max_direct_per_year", "contribution_320000"}
codes = itertools.count(1)


@pytest.fixture
def office(client, reference):
    client.force_login(make_user(roles=[Role.FUND_OFFICER]))
    return client


def post_call(office, field, typed):
    code = f"property-{next(codes)}"
    response = office.post("/office/calls/new/", call_data(code=code, **{field: typed}))
    assert response.status_code in {200, 302}
    return response, Call.objects.filter(code=code).first()


def stored_rule(call, field):
    if field.startswith("contribution_"):
        province = field.removeprefix("contribution_")
        contribution = Contribution.objects.filter(call=call, province_id=province).first()
        return contribution and contribution.amount  # a draft may leave one out
    return getattr(call, field)


@EXAMPLES
@given(field=st.sampled_from(TEXT_RULES), typed=st.text(max_size=300))
def test_any_call_text_is_stored_as_typed_or_refused_beside_its_field(office, field, typed):
    response, call = post_call(office, field, typed)
    if response.status_code == 302:
        expected = display_text(typed) if field.startswith("title_") else typed.strip()
        assert getattr(call, field) == expected
    else:
        assert call is None and field in response.context["form"].errors
        assert shown_back(response, typed)


@EXAMPLES
@given(field=st.sampled_from(NUMBER_RULES), typed=NUMBERISH)
def test_any_call_number_is_stored_exactly_or_refused_with_a_message(office, field, typed):
    response, call = post_call(office, field, typed)
    if response.status_code == 302:
        value = stored_rule(call, field)
        if field in MONEY_RULES and typed.strip():
            assert value == as_number(typed)
        elif typed.strip():
            assert value == Decimal(typed.strip())
        else:  # an optional cap left empty
            assert value is None
    else:
        # Refused beside this field, or beside the rule it now contradicts (a maximum below
        # its minimum); the form comes back as typed either way.
        assert call is None and response.context["form"].errors
        assert shown_back(response, typed)
