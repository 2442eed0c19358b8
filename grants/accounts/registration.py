"""Writes on accounts: registering people and granting roles (used by seed_demo, imports and
invitations, the same way the sign-up pages reach them)."""

from allauth.account.models import EmailAddress
from django.db import transaction

from grants.models import Role, RoleGrant, User


@transaction.atomic
def user_register_verified(
    *,
    email,
    password=None,
    password_hash=None,
    name="",
    institution=None,
    title="",
    keywords="",
    disciplines=(),
    orcid="",
):
    """Create (or return) an account whose e-mail address is already verified.

    Used where the portal itself vouches for the address (the demo, an officer's import);
    everyone else verifies through allauth's e-mail confirmation. ``password_hash`` lets the
    demo hash its one shared password once instead of once per person.
    """
    email = email.strip().lower()
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "name": name,
            "institution": institution,
            "title": title,
            "keywords": keywords,
            "orcid": orcid,
        },
    )
    if created:
        if password_hash:
            user.password = password_hash
        else:
            user.set_password(password)
        user.full_clean()
        user.save()
        user.disciplines.set(disciplines)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def role_grant(*, user, role, province=None):
    if role == Role.PROVINCIAL_OFFICER and province is None:
        raise ValueError("A provincial officer acts for one province")
    grant, _ = RoleGrant.objects.update_or_create(
        user=user,
        role=role,
        defaults={"province": province if role == Role.PROVINCIAL_OFFICER else None},
    )
    for attribute in ("_portal_roles", "_portal_province_code", "_portal_has_second_factor"):
        user.__dict__.pop(attribute, None)
    getattr(user, "_prefetched_objects_cache", {}).pop("role_grants", None)
    return grant


@transaction.atomic
def user_totp_set(*, user, secret):
    """Give ``user`` an authenticator app with this base32 ``secret``, or move their existing
    one to it. For the demo and tests, whose codes must be computable from a published secret;
    everyone else scans a fresh secret on allauth's activation page."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from allauth.mfa.utils import decrypt, encrypt

    current = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if current is None:
        return TOTP.activate(user, secret).instance
    if decrypt(current.data["secret"]) != secret:
        current.data = {**current.data, "secret": encrypt(secret)}
        current.save(update_fields=["data"])
    return current
