from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from grants.accounts.forms import ProfileForm
from grants.core.view_helpers import keep_post_for, safe_next


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect(safe_next(request) or "dashboard")
    return render(
        request, "grants/accounts/profile.html", {"form": form, "next": safe_next(request)}
    )


@require_POST
def switch_language(request):
    """Switch language from a page with a form: what the user typed so far rides along and is
    put back on the form after the page reloads in the new language (see helpers.kept_post)."""
    target = safe_next(request) or "/"
    typed = request.POST.copy()
    for name in ("csrfmiddlewaretoken", "language", "next"):
        typed.pop(name, None)
    if typed:
        keep_post_for(request, urlsplit(target).path, typed)
    return set_language(request)
