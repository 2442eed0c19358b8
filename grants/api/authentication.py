"""Who is calling the API: a bearer token (scripts) or the browser's session (the docs page),
what a token's scope lets it do, and how often it may call."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, throttling
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from grants.api.tokens import token_for_secret
from grants.models import ApiToken

KEYWORD = b"bearer"


class BearerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer yrd_…`` with a token that is neither revoked nor expired."""

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != KEYWORD:
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as “Bearer <token>”."))
        token = token_for_secret(words[1].decode(errors="replace"))
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This token is unknown, revoked or expired."))
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class TokenScopePermission(permissions.BasePermission):
    """Signed in, and a read token only reads. What each person may see and do on top of that
    is grants.accounts.permissions', as on the pages."""

    message = _("This token may only read: make a token with the write scope to change things.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return not isinstance(request.auth, ApiToken) or request.auth.may_write


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """A rate per token (per person for the session, per address when signed out), counted in
    the default cache, which every app server shares when REDIS_URL is set."""

    scope = "api"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
