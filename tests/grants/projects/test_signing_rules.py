from decimal import Decimal

import pytest

from grants.projects.signing_rules import (
    MEMBER,
    PROVINCE,
    Party,
    due_month_error,
    parties,
    party_from_token,
    refusal,
    signing_state,
)

LEAD, PARTNER = Party(MEMBER, "1"), Party(MEMBER, "2")
SH, ZJ = Party(PROVINCE, "310000"), Party(PROVINCE, "330000")
REQUIRED = [LEAD, PARTNER, SH, ZJ]


@pytest.mark.parametrize(
    "members, committed, expected",
    [
        (["1", "2"], {"330000": Decimal(5), "310000": Decimal(5)}, REQUIRED),
        # A province whose committed share is nothing (its institutions are paid from the
        # balancing pot of others) does not countersign.
        (["1", "2"], {"310000": Decimal(5), "330000": Decimal(0)}, [LEAD, PARTNER, SH]),
        (["1"], {}, [LEAD]),
    ],
)
def test_who_must_sign(members, committed, expected):
    assert parties(members, committed) == expected


@pytest.mark.parametrize(
    "signed, party, expected",
    [
        ([], LEAD, None),
        ([], PARTNER, None),
        ([PARTNER], LEAD, None),  # members accept in any order
        ([LEAD], LEAD, "signed"),
        ([], SH, "members_first"),
        ([LEAD], SH, "members_first"),
        ([LEAD, PARTNER], SH, None),
        ([LEAD, PARTNER, ZJ], SH, None),
        ([LEAD, PARTNER, SH], SH, "signed"),
        ([], Party(PROVINCE, "340000"), "not_a_party"),
        ([], Party(MEMBER, "9"), "not_a_party"),
    ],
)
def test_who_may_sign_now(signed, party, expected):
    assert refusal(REQUIRED, signed, party) == expected


@pytest.mark.parametrize(
    "signed, complete, provinces_may_sign",
    [
        ([], False, False),
        ([LEAD, PARTNER], False, True),
        ([LEAD, PARTNER, SH], False, True),
        ([LEAD, PARTNER, SH, ZJ], True, True),
        ([ZJ, SH, PARTNER, LEAD], True, True),
    ],
)
def test_when_signing_is_complete(signed, complete, provinces_may_sign):
    state = signing_state(REQUIRED, signed)
    assert state.complete is complete
    assert state.provinces_may_sign is provinces_may_sign


@pytest.mark.parametrize(
    "token, expected",
    [
        ("member:12", Party(MEMBER, "12")),
        ("province:310000", Party(PROVINCE, "310000")),
        ("member:", None),
        ("officer:1", None),
        ("", None),
        (None, None),
    ],
)
def test_parties_from_tokens(token, expected):
    assert party_from_token(token) == expected
    if expected:
        assert expected.token == token


@pytest.mark.parametrize(
    "month, duration, expected",
    [
        (1, 36, None),
        (36, 36, None),
        (37, 36, "after_end"),
        (0, 36, "before_start"),
        (-3, 36, "before_start"),
        (None, 36, "missing"),
    ],
)
def test_a_milestone_falls_within_the_project(month, duration, expected):
    assert due_month_error(month, duration) == expected
