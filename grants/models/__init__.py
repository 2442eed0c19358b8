from .audit import AuditEntry
from .calls import Call, CallStatus, Contribution, FundingModel, ProvinceRule
from .decisions import (
    AwardShare,
    Decision,
    FundingRound,
    Outcome,
    Payment,
    ProvincialConfirmation,
)
from .people import Role, RoleGrant, User
from .proposals import (
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
from .reference import Discipline, Institution, Province

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
