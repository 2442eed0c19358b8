"""Who may see and do what: the one place that decides.

Views never test roles or ownership themselves; they call the helpers here, and every object
a view shows is fetched through a user-scoped queryset defined here, so an outsider gets a 404
(not someone else's data) and a reader without the right to act gets a 403.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .models import Role

APPLICANT = "applicant"


def roles_of(user) -> frozenset[str]:
    """Every role the user holds. Any signed-in researcher with a profile is an applicant."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        grants = {grant.role: grant.province_id for grant in user.role_grants.all()}
        user._portal_province_code = grants.get(Role.PROVINCIAL_OFFICER)
        cached = frozenset(grants) | ({APPLICANT} if user.profile_complete else set())
        user._portal_roles = cached
    return cached


def has_role(user, role) -> bool:
    return role in roles_of(user)


def is_fund_officer(user) -> bool:
    return has_role(user, Role.FUND_OFFICER)


def officer_province_code(user) -> str | None:
    """The province a provincial officer acts for, or None."""
    roles_of(user)
    return getattr(user, "_portal_province_code", None)


def role_required(*roles):
    """Let the view run only for users holding at least one of ``roles`` (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not roles_of(request.user) & set(roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
