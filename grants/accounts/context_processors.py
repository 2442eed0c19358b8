from django.conf import settings

from grants.accounts.permissions import roles_of


def navigation(request):
    """The roles drive which menu entries the base layout shows."""
    return {"portal_roles": roles_of(request.user), "portal_name": settings.PORTAL_NAME}
