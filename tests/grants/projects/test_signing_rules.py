from decimal import Decimal

import pytest

from grants.projects.signing_rules import (
    MEMBER,
    PROVINCE,
    Party,
    VersionTerms,
    due_month_error,
    parties,
    party_from_token,
    refusal,
    resigners,
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


# A three-member consortium: the lead (1) and a partner (2) in Shanghai, a partner (3) in
# Zhejiang; both provinces pay.
P3 = Party(MEMBER, "3")


def terms(
    *,
    members=("1", "2", "3"),
    lines=None,
    committed=None,
    shared="48 months",
    province=None,
):
    lines = {"1": "a", "2": "b", "3": "c", **(lines or {})}
    return VersionTerms(
        members=members,
        member_terms={key: lines[key] for key in members},
        member_province={
            "1": "310000",
            "2": "310000",
            "3": "330000",
            "4": "330000",
            **(province or {}),
        },
        committed={"310000": Decimal(100), "330000": Decimal(50), **(committed or {})},
        shared_terms=shared,
    )


@pytest.mark.parametrize(
    "name, new, expected",
    [
        # An extension changes what every party signed for: everyone signs again.
        ("extension", terms(shared="54 months"), [LEAD, PARTNER, P3, SH, ZJ]),
        # Money moved between the lead's categories: the lead and the province paying it.
        ("lead's own lines", terms(lines={"1": "a2"}), [LEAD, SH]),
        # A partner's lines: that partner, its province, and the lead who asked.
        ("partner's lines", terms(lines={"3": "c2"}), [LEAD, P3, ZJ]),
        # Money moved from Zhejiang's partner to Shanghai's: both members, both provinces.
        (
            "between provinces",
            terms(
                lines={"2": "b2", "3": "c2"},
                committed={"310000": Decimal(110), "330000": Decimal(40)},
            ),
            [LEAD, PARTNER, P3, SH, ZJ],
        ),
        # A new PI for partner 2 changes only its terms.
        ("PI of a partner", terms(lines={"2": "b, new PI"}), [LEAD, PARTNER, SH]),
        # Partner 3 replaced by member 4 in the same province: the new member and its province.
        (
            "partner replaced",
            terms(members=("1", "2", "4"), lines={"4": "c"}),
            [LEAD, Party(MEMBER, "4"), ZJ],
        ),
        # Nothing of any party's terms changed: the lead alone confirms the new version.
        ("nothing", terms(), [LEAD]),
        # A province whose commitment falls to nothing no longer countersigns.
        (
            "province pays nothing",
            terms(lines={"3": "c2"}, committed={"330000": Decimal(0)}),
            [LEAD, P3],
        ),
    ],
)
def test_who_signs_a_version_made_by_a_change(name, new, expected):
    assert resigners(terms(), new) == expected
