"""The demo stays usable with two-factor sign-in: its staff share one published secret."""

import io

from allauth.mfa.models import Authenticator
from django.core.management import call_command

from tests.factories import sign_in

SECRET = "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF"
STAFF = [
    "officer@example.org",
    "anhui@example.org",
    "reviewer@example.org",
    "chair@example.org",
    "admin@example.org",
]


def seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_gives_staff_the_secret_and_prints_it(client, reference, settings):
    settings.DEMO_TOTP_SECRET = SECRET
    printed = seed()
    rows = {line.split()[0]: line for line in printed.splitlines() if "@example.org " in line}
    for email in STAFF:
        assert rows[email].endswith(f"TOTP secret {SECRET}"), email
        client.logout()
        response = sign_in(client, email, settings.DEMO_PASSWORD, totp_secret=SECRET)
        assert response["Location"] == "/dashboard/", email
        assert client.get("/dashboard/").status_code == 200, email
    for email in ["lead@example.org", "partner@example.org"]:
        assert "TOTP" not in rows[email]
        assert not Authenticator.objects.filter(user__email=email).exists()
    experts = Authenticator.objects.filter(user__email__startswith="expert")
    assert experts.count() == 39
    # Stored encrypted: a copy of the database does not give away the codes.
    assert not Authenticator.objects.filter(data__icontains=SECRET).exists()


def test_seed_demo_again_keeps_one_app_per_person_on_the_current_secret(
    client, reference, settings
):
    seed()
    count = Authenticator.objects.count()
    settings.DEMO_TOTP_SECRET = SECRET
    seed()
    assert Authenticator.objects.count() == count
    response = sign_in(client, "officer@example.org", settings.DEMO_PASSWORD, totp_secret=SECRET)
    assert response["Location"] == "/dashboard/"


def test_the_demo_admin_signs_in_with_a_code_and_opens_the_admin(client, reference, settings):
    seed()
    secret = settings.DEMO_TOTP_SECRET
    response = sign_in(client, "admin@example.org", settings.DEMO_PASSWORD, totp_secret=secret)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
