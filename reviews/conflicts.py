"""Conflicts of interest (回避): the hard rules that keep a reviewer away from a proposal.

Pure: plain data in, the list of reasons out. Every path that pairs a reviewer with a
proposal — a pair added by hand, the admin, an import, publishing a run — asks this module,
so no path can skip a rule. The solver's candidates apply the same rules to a whole pool at
once through reviews.conflict_masks, which its tests hold equal to ``conflicts`` pair by pair:
a rule added here goes there too, in the same order.
"""

from dataclasses import dataclass, field

ALL_CONSORTIUM = "all"
LEAD_ONLY = "lead"

PROVINCE_NAMES = {
    "310000": ("上海", "Shanghai"),
    "320000": ("江苏", "Jiangsu"),
    "330000": ("浙江", "Zhejiang"),
    "340000": ("安徽", "Anhui"),
}


@dataclass(frozen=True)
class ProposalSide:
    key: object
    institution_ids: frozenset
    province_codes: frozenset
    lead_province: str
    pi_ids: frozenset
    avoid_names: frozenset = frozenset()  # normalised names from the applicants' avoidance list
    # How the consortium's people are recognised in an authors list (user:, orcid:, name:
    # tokens of reviews.publication_rules.person_tokens).
    member_tokens: frozenset = frozenset()


@dataclass(frozen=True)
class ReviewerSide:
    user_id: int
    name: str
    institution_id: int | None
    province_code: str | None
    in_call_proposals: bool = False  # takes part in any proposal of the same call
    declared_people: frozenset = field(default_factory=frozenset)  # user ids
    declared_proposals: frozenset = field(default_factory=frozenset)  # proposal keys
    # Everyone the reviewer shared a publication with inside the call's co-authorship window
    # (reviews.publication_rules.recent_coauthors).
    coauthors: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class Conflict:
    code: str
    message_zh: str
    message_en: str


def normalise_name(name: str) -> str:
    return "".join(name.split()).casefold()


def excluded_provinces(proposal: ProposalSide, province_rule: str) -> frozenset:
    if province_rule == LEAD_ONLY:
        return frozenset({proposal.lead_province})
    return proposal.province_codes


def conflicts(
    proposal: ProposalSide, reviewer: ReviewerSide, province_rule=ALL_CONSORTIUM
) -> list[Conflict]:
    """Every reason ``reviewer`` may not review ``proposal``; empty when the pair is allowed."""
    found = []
    if reviewer.user_id in proposal.pi_ids or reviewer.in_call_proposals:
        found.append(
            Conflict(
                "applicant_in_call",
                "评审专家本人在本期指南中有申请",
                "The reviewer takes part in a proposal of this call",
            )
        )
    if reviewer.institution_id is not None and reviewer.institution_id in proposal.institution_ids:
        found.append(
            Conflict(
                "same_institution",
                "评审专家与联合体成员单位相同",
                "The reviewer works at an institution of the consortium",
            )
        )
    if reviewer.province_code in excluded_provinces(proposal, province_rule):
        zh, en = PROVINCE_NAMES.get(
            reviewer.province_code, (reviewer.province_code, reviewer.province_code)
        )
        found.append(
            Conflict(
                "same_province",
                f"评审专家所在省份（{zh}）须回避",
                f"The reviewer is based in {en}, a province the call excludes",
            )
        )
    if proposal.pi_ids & reviewer.declared_people or proposal.key in reviewer.declared_proposals:
        found.append(
            Conflict(
                "declared",
                "评审专家已申报利益关系",
                "The reviewer has declared a conflict with the applicants",
            )
        )
    if normalise_name(reviewer.name) in proposal.avoid_names:
        found.append(
            Conflict(
                "avoidance_list",
                "申请人要求该专家回避",
                "The applicants asked that this expert not review the proposal",
            )
        )
    if proposal.member_tokens & reviewer.coauthors:
        found.append(
            Conflict(
                "coauthorship",
                "评审专家近年与联合体成员合作发表过论文",
                "The reviewer recently published together with a member of the consortium",
            )
        )
    return found
