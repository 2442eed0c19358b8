"""Whether a user has a second factor: an authenticator app or a security key."""


def second_factors():
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    )


def has_second_factor(user) -> bool:
    """Whether ``user`` has an authenticator app or a security key, as read with the roles
    when it was."""
    known = getattr(user, "_portal_has_second_factor", None)
    if known is not None:
        return known
    prefetched = getattr(user, "_prefetched_objects_cache", {}).get("role_grants")
    if prefetched and hasattr(prefetched[0], "has_mfa"):
        return prefetched[0].has_mfa
    return second_factors().filter(user=user).exists()
