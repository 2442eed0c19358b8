from .audit import AuditEntry
from .calls import Call, CallStatus, Contribution, FundingModel
from .people import Role, RoleGrant, User
from .proposals import (
    AvoidedExpert,
    BudgetCategory,
    BudgetLine,
    ConsortiumMember,
    Invitation,
    MemberStatus,
    OtherFunding,
    Proposal,
    ProposalStatus,
    TeamMember,
)
from .reference import Discipline, Institution, Province

__all__ = [
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
    "Province",
    "Role",
    "RoleGrant",
    "TeamMember",
    "User",
]
