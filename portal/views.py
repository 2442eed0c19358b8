"""Pages of the portal as a whole rather than of one app."""

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import redirect
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def server_error(request):
    """The 500 page, rendered without the request so no context processor runs: the database
    or one of them may be what failed."""
    body = loader.render_to_string("500.html", {"portal_name": settings.PORTAL_NAME})
    return HttpResponseServerError(body)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; send them to the SVG icon."""
    return redirect(static("portal/favicon.svg"))
