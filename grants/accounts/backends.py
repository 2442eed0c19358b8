"""Authentication backends that load a signed-in user, the user's roles and whether the user
has a second factor in one query.

Every signed-in request asks for all three: the roles for the menu and the permission checks,
the second factor for MfaRequiredMiddleware. Django's backends read the user alone, and the
roles with their second-factor check then took a query of their own on every page. Nothing is
cached across requests: each request reads the rows as they are, so a role granted or
withdrawn, or a second factor added or removed, counts from the next request on. Only the
query's SQL is kept, compiled once per process (grants.core.compiled_queries).
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import backends, get_user_model
from django.db.models import Exists, F, OuterRef

from grants.accounts.permissions import remember_roles
from grants.accounts.second_factor import second_factors
from grants.core.compiled_queries import CompiledQuery


def _user_with_roles(user_id):
    """One row per role grant (one row with no role when there is none)."""
    return (
        get_user_model()
        ._default_manager.filter(pk=user_id)
        .annotate(
            granted_role=F("role_grants__role"),
            granted_province=F("role_grants__province_id"),
            has_second_factor=Exists(second_factors().filter(user=OuterRef("pk"))),
        )
    )


user_with_roles = CompiledQuery(_user_with_roles)


class SessionUserMixin:
    def get_user(self, user_id):
        try:
            rows = list(user_with_roles(int(user_id)))
        except (TypeError, ValueError):
            return None
        if not rows:
            return None
        user = rows[0]
        grants = {row.granted_role: row.granted_province for row in rows if row.granted_role}
        remember_roles(user, grants, has_second_factor=user.has_second_factor)
        return user if self.user_can_authenticate(user) else None


class ModelBackend(SessionUserMixin, backends.ModelBackend):
    """Django's: the e-mail address and password."""


class AuthenticationBackend(SessionUserMixin, AllauthBackend):
    """allauth's: sign-in by e-mail address, the portal's form."""
