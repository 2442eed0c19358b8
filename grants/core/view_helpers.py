"""Small pieces every view module shares."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from grants.core.errors import WorkflowError

KEPT_POST = "kept_post"


def login_required_keeping_post(view):
    """Like login_required, but a form posted after the session expired is kept: once the
    user signs in again they are back on the form with what they typed (see kept_post)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST":
            keep_post_for(request, request.path, request.POST)
            messages.info(
                request,
                _("Your session had expired. Sign in again: what you typed has been kept."),
            )
        return redirect_to_login(request.path)

    return wrapper


def keep_post_for(request, path, data):
    """Keep form data in the session, to be put back on the form at ``path`` (once)."""
    request.session[KEPT_POST] = {"path": path, "data": data.urlencode()}


def kept_post(request):
    """The form data kept for this page when the session expired, if any (taken once)."""
    kept = request.session.get(KEPT_POST)
    if not kept or kept.get("path") != request.path:
        return None
    del request.session[KEPT_POST]
    return QueryDict(kept["data"])


def safe_next(request):
    """The ?next= target if it stays on this site, else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if allowed else ""


def invitation_landing(request, invitation, anonymous_template):
    """The page an invitation link shows before it can be answered: to a visitor, the
    invitation (while usable) with links to sign in or sign up and come back; to an account
    without a complete profile, the profile first. None once the invited person may answer."""
    if not request.user.is_authenticated:
        back = {"next": request.path}
        context = {
            "invitation": invitation if invitation and invitation.usable() else None,
            "login_url": f"{reverse('account_login')}?{urlencode(back)}",
            "signup_url": f"{reverse('account_signup')}?{urlencode(back)}",
        }
        return render(request, anonymous_template, context)
    if not request.user.profile_complete:
        return redirect(f"{reverse('profile')}?{urlencode({'next': request.path})}")
    return None


def workflow_step(request, step, success, *to, **to_kwargs):
    """Run ``step`` (a workflow function posted from a button) and go back to the page ``to``
    (what redirect() takes): the workflow's refusal shows as an error, else ``success``."""
    try:
        step()
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(*to, **to_kwargs)
