from grants.models.audit import AuditEntry
from grants.models.calls import Call, CallStatus, Contribution, FundingModel, ProvinceRule
from grants.models.decisions import (
    AwardShare,
    Decision,
    FundingRound,
    Outcome,
    Payment,
    ProvincialConfirmation,
)
from grants.models.people import Role, RoleGrant, User
from grants.models.proposals import (
    UNSUBMITTED,
    AvoidedExpert,
    BudgetCategory,
    BudgetLine,
    ConsortiumMember,
    Invitation,
    MemberStatus,
    OtherFunding,
    Proposal,
    ProposalStatus,
    Screening,
    TeamMember,
)
from grants.models.reference import Discipline, Institution, Province

__all__ = [
    "AwardShare",
    "Decision",
    "FundingRound",
    "Outcome",
    "Payment",
    "ProvincialConfirmation",
    "AuditEntry",
    "AvoidedExpert",
    "BudgetCategory",
    "BudgetLine",
    "Call",
    "CallStatus",
    "ConsortiumMember",
    "Contribution",
    "Discipline",
    "FundingModel",
    "Institution",
    "Invitation",
    "MemberStatus",
    "OtherFunding",
    "Proposal",
    "ProposalStatus",
    "ProvinceRule",
    "Screening",
    "Province",
    "Role",
    "RoleGrant",
    "TeamMember",
    "UNSUBMITTED",
    "User",
]
