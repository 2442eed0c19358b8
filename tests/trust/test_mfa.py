"""Two-factor sign-in: compulsory for the fund's staff roles, optional for applicants."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from grants.accounts.middleware import is_mfa_setup_page
from grants.accounts.registration import role_grant, user_totp_set
from grants.models import Province, Role
from tests.factories import PASSWORD, TOTP_SECRET, make_user, sign_in, totp_code

STAFF_ROLES = [Role.FUND_OFFICER, Role.PROVINCIAL_OFFICER, Role.REVIEWER, Role.PANEL_CHAIR]
SETUP = "/accounts/2fa/totp/activate/"


def staff_without_second_factor(role):
    """A user granted ``role`` the way the portal does it, before they set up an app."""
    user = make_user()
    province = Province.objects.get(code="310000") if role == Role.PROVINCIAL_OFFICER else None
    role_grant(user=user, role=role, province=province)
    return user


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_role_without_a_second_factor_is_sent_to_set_one_up(client, reference, role):
    client.force_login(staff_without_second_factor(role))
    for path in ["/dashboard/", "/calls/", "/profile/", "/office/calls/", "/reviews/"]:
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, SETUP), path
    assert client.post("/dashboard/")["Location"] == SETUP


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_role_with_an_authenticator_app_uses_the_portal(client, reference, role):
    user = staff_without_second_factor(role)
    user_totp_set(user=user, secret=TOTP_SECRET)
    client.force_login(user)
    assert client.get("/dashboard/").status_code == 200


def test_applicant_needs_no_second_factor(client, reference):
    client.force_login(make_user())
    assert client.get("/dashboard/").status_code == 200
    # ...but may add one: the account pages the profile links to lead there.
    assert '<a href="/accounts/2fa/">' in client.get("/accounts/email/").text
    assert client.get("/accounts/2fa/").status_code == 200


def test_security_key_page_runs_allauths_static_scripts_only(client, reference):
    client.force_login(make_user(roles=[Role.FUND_OFFICER]))
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/webauthn/add/").text
    assert '<script src="/static/mfa/js/webauthn.js"></script>' in page
    assert '<script id="js_data" type="application/json">' in page  # data, never run


def test_setup_page_explains_why_after_the_password_is_confirmed(client, reference):
    client.force_login(staff_without_second_factor(Role.REVIEWER))
    response = client.get(SETUP, follow=True)
    # allauth asks for the password again before a second factor is added or changed.
    assert response.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")
    assert "Two-factor authentication is required for your role." in response.text
    response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert response.request["PATH_INFO"] == SETUP
    assert "Two-factor authentication is required for your role." in response.text
    assert "Activate Authenticator App" in response.text


def test_only_setup_sign_out_language_and_static_files_stay_open(client, reference):
    client.force_login(staff_without_second_factor(Role.FUND_OFFICER))
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.get("/accounts/2fa/webauthn/add/")["Location"].startswith(
        "/accounts/reauthenticate/"
    )
    assert client.get("/accounts/email/").status_code == 200
    switched = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/dashboard/"})
    assert switched["Location"] == "/dashboard/"
    assert is_mfa_setup_page("/static/portal/site.css")
    for path in ["/accounts/password/change/", "/accounts/2fa/recovery-codes/", "/admin/"]:
        assert client.get(path)["Location"] == SETUP, path
    assert client.post("/accounts/logout/")["Location"] == "/"
    assert client.get("/dashboard/")["Location"].startswith("/accounts/login/")


def test_htmx_request_is_sent_to_set_up_as_a_full_page(client, reference):
    client.force_login(staff_without_second_factor(Role.FUND_OFFICER))
    response = client.get("/dashboard/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == SETUP


def test_activating_an_authenticator_app_through_allauth_opens_the_portal(client, reference):
    user = staff_without_second_factor(Role.PROVINCIAL_OFFICER)
    client.force_login(user)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD, "next": SETUP})
    page = client.get(SETUP)
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.text)
    if secret is None:
        secret = re.search(r'value="([A-Z2-7]{32})"', page.text)
    response = client.post(SETUP, {"code": totp_code(secret.group(1))})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    # allauth hands out recovery codes alongside, for a lost phone.
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert client.get("/dashboard/").status_code == 200


def test_sign_in_asks_for_the_code_after_the_password(client, reference):
    officer = make_user("officer.mfa@example.org", roles=[Role.FUND_OFFICER])
    response = client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    # The password alone signs nobody in.
    assert client.get("/dashboard/")["Location"].startswith("/accounts/login/")
    wrong = f"{(int(totp_code(TOTP_SECRET)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/2fa/authenticate/", {"code": wrong})
    assert response.status_code == 200 and "Incorrect code." in response.text
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(TOTP_SECRET)})
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_a_code_is_accepted_only_once(client, reference):
    officer = make_user(roles=[Role.FUND_OFFICER])
    code = totp_code(TOTP_SECRET)
    client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    client.logout()
    client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 200 and "Incorrect code." in response.text


def test_applicant_who_added_an_app_is_asked_for_its_code_too(client, reference):
    applicant = make_user()
    user_totp_set(user=applicant, secret=TOTP_SECRET)
    response = sign_in(client, applicant.email)
    assert response.request["PATH_INFO"] == "/accounts/2fa/authenticate/"
    assert client.get("/dashboard/").status_code == 200


# RFC 6238, appendix B (SHA-1, the key "12345678901234567890", the last 6 of 8 digits).
RFC_6238 = {59: "287082", 1_111_111_109: "081804", 1_234_567_890: "005924", 2_000_000_000: "279037"}


@pytest.mark.parametrize("at", RFC_6238)
def test_stdlib_code_is_the_standard_one_and_allauths(at):
    """The few lines of hmac in tests.factories (and README.md) compute allauth's codes."""
    assert totp_code(TOTP_SECRET, at=at) == RFC_6238[at]
    assert totp_code(TOTP_SECRET, at=at) == format_hotp_value(hotp_value(TOTP_SECRET, at // 30))


def test_readme_recipe_computes_the_code_allauth_expects(settings):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    recipe = re.search(r"python3 -c '(.+?)'\n", readme, re.DOTALL).group(1)
    assert f'b32decode("{settings.DEMO_TOTP_SECRET}")' in recipe
    before = totp_code(settings.DEMO_TOTP_SECRET)
    printed = subprocess.run([sys.executable, "-c", recipe], capture_output=True, text=True)
    assert printed.stdout.strip() in {before, totp_code(settings.DEMO_TOTP_SECRET)}


# ---- the Django admin -------------------------------------------------------------------------


def admin_user(**flags):
    """A user with no portal role who may open the Django admin."""
    user = make_user()
    for flag, value in flags.items():
        setattr(user, flag, value)
    user.save(update_fields=list(flags))
    return user


@pytest.mark.parametrize(
    "flags", [{"is_superuser": True, "is_staff": True}, {"is_staff": True}, {"is_superuser": True}]
)
def test_admin_without_a_second_factor_is_sent_to_set_one_up(client, reference, flags):
    client.force_login(admin_user(**flags))
    for path in ["/admin/", "/admin/grants/user/", "/dashboard/"]:
        assert client.get(path)["Location"] == SETUP, path


def test_admin_with_an_authenticator_app_opens_the_admin(client, reference):
    user = admin_user(is_superuser=True, is_staff=True)
    user_totp_set(user=user, secret=TOTP_SECRET)
    client.force_login(user)
    assert client.get("/admin/").status_code == 200


def test_admin_signs_in_through_the_portal_which_asks_for_the_code(client, reference):
    user = admin_user(is_superuser=True, is_staff=True)
    user_totp_set(user=user, secret=TOTP_SECRET)
    # The admin's own form would take the password alone.
    response = client.get("/admin/login/?next=/admin/grants/user/")
    assert response["Location"] == "/accounts/login/?next=/admin/grants/user/"
    response = client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    client.post(response["Location"], {"code": totp_code(TOTP_SECRET)})
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/")["Location"] == "/admin/"


# ---- secrets encrypted at rest ----------------------------------------------------------------


def stored_secret(user):
    return Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]


def test_the_totp_secret_is_stored_encrypted_and_sign_in_still_works(client, reference):
    officer = make_user(roles=[Role.FUND_OFFICER])
    stored = stored_secret(officer)
    assert stored.startswith("fernet:") and TOTP_SECRET not in stored
    row = Authenticator.objects.filter(user=officer).values_list("data", flat=True).get()
    assert TOTP_SECRET not in str(row)
    assert sign_in(client, officer.email)["Location"] == "/dashboard/"


def test_a_secret_activated_on_allauths_page_is_stored_encrypted(client, reference):
    user = staff_without_second_factor(Role.REVIEWER)
    client.force_login(user)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD, "next": SETUP})
    page = client.get(SETUP).text
    secret = re.search(r'value="([A-Z2-7]{32})"', page).group(1)
    assert client.post(SETUP, {"code": totp_code(secret)}).status_code == 302
    assert secret not in stored_secret(user)
    seed = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert seed.data["seed"].startswith("fernet:")


def test_the_same_secret_encrypts_differently_each_time(reference):
    first, second = make_user(roles=[Role.REVIEWER]), make_user(roles=[Role.REVIEWER])
    assert stored_secret(first) != stored_secret(second)


def test_a_secret_stored_before_encryption_still_signs_in(client, reference):
    officer = make_user(roles=[Role.FUND_OFFICER])
    Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).update(
        data={"secret": TOTP_SECRET}
    )
    assert sign_in(client, officer.email)["Location"] == "/dashboard/"


def test_a_dedicated_key_lets_secret_key_change(client, reference, settings):
    settings.MFA_ENCRYPTION_KEY = "a long random key kept beside SECRET_KEY"
    officer = make_user(roles=[Role.FUND_OFFICER])
    settings.SECRET_KEY = "a brand new secret key after a rotation"
    assert sign_in(client, officer.email)["Location"] == "/dashboard/"


def test_secret_key_fallbacks_keep_secrets_readable_through_a_rotation(client, reference, settings):
    settings.MFA_ENCRYPTION_KEY = ""
    officer = make_user(roles=[Role.FUND_OFFICER])
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a brand new secret key after a rotation"
    assert sign_in(client, officer.email)["Location"] == "/dashboard/"


def test_a_wrong_key_is_reported_as_misconfiguration_not_as_a_wrong_code(reference, settings):
    from allauth.mfa.utils import decrypt
    from django.core.exceptions import ImproperlyConfigured

    settings.MFA_ENCRYPTION_KEY = "the key the secrets were encrypted with"
    officer = make_user(roles=[Role.FUND_OFFICER])
    settings.MFA_ENCRYPTION_KEY = "some other key"
    with pytest.raises(ImproperlyConfigured, match="MFA_ENCRYPTION_KEY"):
        decrypt(stored_secret(officer))


def test_the_migration_encrypts_secrets_stored_in_plain_text_once(client, reference):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("grants.migrations.0008_encrypt_second_factor_secrets")
    plain, already = make_user(roles=[Role.FUND_OFFICER]), make_user(roles=[Role.REVIEWER])
    Authenticator.objects.filter(user=plain, type=Authenticator.Type.TOTP).update(
        data={"secret": TOTP_SECRET}
    )
    before = stored_secret(already)
    migration.encrypt_plain_secrets(apps, None)
    assert stored_secret(plain).startswith("fernet:") and TOTP_SECRET not in stored_secret(plain)
    assert stored_secret(already) == before  # encrypted values are left as they are
    assert sign_in(client, plain.email)["Location"] == "/dashboard/"
    migration.decrypt_secrets(apps, None)
    assert stored_secret(plain) == TOTP_SECRET
