"""Making, revoking and checking API tokens: the one place a token's secret is handled.

A token is 32 random bytes, so a plain SHA-256 digest is enough to store it: there is nothing
to guess, and a slow password hash would only slow down every API request."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from grants.core.audit import record
from grants.models import ApiToken, TokenScope

PREFIX = "yrd_"
DEFAULT_DAYS = 90
MAX_DAYS = 365
# last_used_at is written at most this often per token, not on every request.
LAST_USED_EVERY = timedelta(minutes=1)


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user, name, scope=TokenScope.READ, days=DEFAULT_DAYS, actor=None):
    """A new token for ``user``; returns the stored row and the secret, which is never kept."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a token lasts 1 to {MAX_DAYS} days")
    secret = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[: len(PREFIX) + 6],
            digest=digest_of(secret),
            scope=scope,
            expires_at=timezone.now() + timedelta(days=days),
        )
        record(
            actor=actor or user,
            action="api_token.created",
            after={"token": token.prefix, "name": name, "scope": scope, "days": days},
        )
    return token, secret


def api_token_revoke(*, token, actor):
    """Revoke ``token`` for good (revoking twice changes nothing)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor=actor, action="api_token.revoked", after={"token": token.prefix})
    return token


def token_for_secret(secret: str, now=None):
    """The usable token whose secret this is, or None; notes when it was last used."""
    if not secret.startswith(PREFIX):
        return None
    now = now or timezone.now()
    token = ApiToken.objects.usable(now).select_related("user").filter(digest=digest_of(secret))
    token = token.first()
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
