"""The site's front page and each signed-in user's dashboard."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from grants.site import dashboards


def home(request):
    return render(request, "grants/site/home.html", dashboards.public_summary())


@login_required
def dashboard(request):
    context = {
        "affiliation": dashboards.affiliation(request.user),
        "sections": dashboards.sections_for(request.user),
    }
    return render(request, "grants/site/dashboard.html", context)
