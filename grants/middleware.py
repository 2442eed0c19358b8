from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

# Paths a signed-in person may use before completing the researcher profile.
OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/admin/", "/profile/", "/invitations/")


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
