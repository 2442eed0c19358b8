import pytest

from reviews.conflicts import ALL_CONSORTIUM, LEAD_ONLY, ProposalSide, ReviewerSide, conflicts

PROPOSAL = ProposalSide(
    key=7,
    institution_ids=frozenset({1, 2}),
    province_codes=frozenset({"310000", "330000"}),
    lead_province="310000",
    pi_ids=frozenset({100, 200}),
    avoid_names=frozenset({"张三"}),
    member_tokens=frozenset({"user:100", "name:王五", "orcid:0000-0002-1825-0097"}),
)


def reviewer(**overrides):
    fields = {"user_id": 900, "name": "李四", "institution_id": 50, "province_code": "420000"}
    fields.update(overrides)
    return ReviewerSide(**fields)


@pytest.mark.parametrize(
    ("overrides", "rule", "codes"),
    [
        ({}, ALL_CONSORTIUM, []),
        (
            {"institution_id": 2, "province_code": "330000"},
            ALL_CONSORTIUM,
            ["same_institution", "same_province"],
        ),
        ({"province_code": "330000"}, ALL_CONSORTIUM, ["same_province"]),
        ({"province_code": "330000"}, LEAD_ONLY, []),
        ({"province_code": "310000"}, LEAD_ONLY, ["same_province"]),
        ({"in_call_proposals": True}, ALL_CONSORTIUM, ["applicant_in_call"]),
        ({"user_id": 100}, ALL_CONSORTIUM, ["applicant_in_call"]),
        ({"declared_people": frozenset({200})}, ALL_CONSORTIUM, ["declared"]),
        ({"declared_proposals": frozenset({7})}, ALL_CONSORTIUM, ["declared"]),
        ({"name": " 张 三 "}, ALL_CONSORTIUM, ["avoidance_list"]),
        ({"province_code": None, "institution_id": None}, ALL_CONSORTIUM, []),
        ({"coauthors": frozenset({"name:王五"})}, ALL_CONSORTIUM, ["coauthorship"]),
        ({"coauthors": frozenset({"user:100"})}, ALL_CONSORTIUM, ["coauthorship"]),
        ({"coauthors": frozenset({"name:赵六"})}, ALL_CONSORTIUM, []),
    ],
    ids=[
        "outside-reviewer-allowed",
        "same-institution-and-province",
        "consortium-province",
        "partner-province-allowed-under-lead-rule",
        "lead-province-under-lead-rule",
        "applicant-in-call",
        "applicant-of-this-proposal",
        "declared-person",
        "declared-proposal",
        "avoidance-list-by-name",
        "reviewer-without-institution",
        "coauthor-by-name",
        "coauthor-holding-the-same-paper",
        "coauthor-outside-the-consortium",
    ],
)
def test_conflict_rules(overrides, rule, codes):
    assert [c.code for c in conflicts(PROPOSAL, reviewer(**overrides), rule)] == codes


def test_messages_are_bilingual_and_name_the_province():
    (found,) = conflicts(PROPOSAL, reviewer(province_code="330000"))
    assert "Zhejiang" in found.message_en and "浙江" in found.message_zh
