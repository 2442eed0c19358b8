from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from .permissions import needs_mfa_setup

# Paths a signed-in person may use before completing the researcher profile.
OPEN_PREFIXES = (
    "/accounts/",
    "/i18n/",
    "/language/",
    "/static/",
    "/admin/",
    "/profile/",
    "/invitations/",
)

# The pages a staff member may use before adding a second factor: setting one up (after
# confirming the password), fixing an unverified e-mail address that blocks it, signing out
# and switching the language.
MFA_SETUP_PAGES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "account_reauthenticate",
        "account_email",
        "account_confirm_email",
        "account_logout",
        "set_language",
        "switch_language",
    }
)


class MfaRequiredMiddleware:
    """Fund officers, provincial officers, reviewers and panel chairs add a second factor
    before anything else; applicants may add one but need not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and needs_mfa_setup(user):
            if not is_mfa_setup_page(request.path_info):
                url = reverse("mfa_activate_totp")
                if getattr(request, "htmx", False):
                    return HttpResponseClientRedirect(url)
                return redirect(url)
            # base.html explains why these are the only pages open.
            request.mfa_setup_required = True
        return self.get_response(request)


def is_mfa_setup_page(path):
    if settings.STATIC_URL and path.startswith(settings.STATIC_URL):
        return True
    try:
        return resolve(path).url_name in MFA_SETUP_PAGES
    except Resolver404:
        return False


class ProfileRequiredMiddleware:
    """A new user completes the researcher profile before doing anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.profile_complete
            and request.path != "/"
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            return redirect(f"{reverse('profile')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
