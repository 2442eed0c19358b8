from .people import Role, RoleGrant, User
from .reference import Discipline, Institution, Province

__all__ = ["Discipline", "Institution", "Province", "Role", "RoleGrant", "User"]
