from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grants import dashboards
from grants.forms import ProfileForm

from .helpers import safe_next


def home(request):
    return render(request, "grants/home.html", dashboards.public_summary())


@login_required
def dashboard(request):
    return render(
        request, "grants/dashboard.html", {"sections": dashboards.sections_for(request.user)}
    )


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect(safe_next(request) or "dashboard")
    return render(request, "grants/profile.html", {"form": form, "next": safe_next(request)})
