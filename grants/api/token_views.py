"""The profile's API tokens page: an officer makes a token (shown once) and revokes one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.accounts.permissions import api_tokens_for
from grants.api import tokens
from grants.api.token_forms import TokenCreateForm

PAGE = "grants/api/tokens.html"
# The new token rides in the session from the POST to the page it redirects to, once.
NEW_SECRET = "api_token_secret"


@login_required
def token_list(request):
    own = api_tokens_for(request.user)
    form = TokenCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        _token, secret = tokens.api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            days=form.cleaned_data["days"],
        )
        request.session[NEW_SECRET] = secret
        return redirect("api_tokens")
    return render(
        request,
        PAGE,
        {"form": form, "tokens": own, "secret": request.session.pop(NEW_SECRET, None)},
    )


@require_POST
@login_required
def token_revoke(request, pk):
    token = get_object_or_404(api_tokens_for(request.user), pk=pk)
    tokens.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token %(name)s is revoked.") % {"name": token.name})
    return redirect("api_tokens")
