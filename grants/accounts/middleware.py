from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from grants.accounts.permissions import needs_mfa_setup
from grants.accounts.second_factor import has_second_factor

# Paths a signed-in person may use before completing the researcher profile.
OPEN_PREFIXES = (
    "/accounts/",
    "/i18n/",
    "/language/",
    "/static/",
    "/admin/",
    "/profile/",
    "/open-data/",  # public: nothing there needs a profile
    "/invitations/",
    "/favicon.ico",
)

# The pages a staff member may use before adding a second factor: setting one up (after
# confirming the password), fixing an unverified e-mail address that blocks it, signing out,
# switching the language, and the icon the browser asks for on every page.
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
        "favicon",
    }
)


class MfaRequiredMiddleware:
    """Fund officers, provincial officers, reviewers, panel chairs and everyone who may open
    the Django admin add a second factor before anything else; applicants may add one but
    need not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == reverse("admin:login"):
            return redirect_to_portal_sign_in(request)
        user = request.user
        if user.is_authenticated and needs_second_factor(user):
            if not is_mfa_setup_page(request.path_info):
                url = reverse("mfa_activate_totp")
                if getattr(request, "htmx", False):
                    return HttpResponseClientRedirect(url)
                return redirect(url)
            # base.html explains why these are the only pages open.
            request.mfa_setup_required = True
        return self.get_response(request)


def needs_second_factor(user):
    if needs_mfa_setup(user):
        return True
    # The admin edits every row, roles included: as weighty as any staff role, without one.
    return (user.is_staff or user.is_superuser) and not has_second_factor(user)


def redirect_to_portal_sign_in(request):
    """The admin's own sign-in form takes the password alone; the portal's asks for the
    second factor too, so the admin signs in there (and comes back when already in)."""
    user = request.user
    if user.is_authenticated:
        # The admin sends whoever it refuses to its sign-in page, and this page would send a
        # signed-in user back: without staff rights that loops, so refuse them here instead.
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        return redirect("admin:index")
    # allauth's sign-in checks that "next" stays on this site.
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


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
