"""What a request answers when something the portal depends on is down.

The database restarting, or the object store not answering, is a passing fault, not a bug: the
reader gets a 503 page saying so and to try again in a moment, rather than the 500 page. The
page is rendered without a request context, so no context processor, session or user lookup
touches the database that has just failed.

Nothing half-written survives: every write that spans rows runs in a transaction (the
workflows), which PostgreSQL rolls back when the connection drops. A broken connection is
closed here so that the next request opens a fresh one; in production Django's own
close_old_connections and CONN_HEALTH_CHECKS do the same at the start of every request.
"""

import logging
import sys
from contextlib import suppress

from botocore.exceptions import BotoCoreError
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from grants.core.storage import StorageUnavailable

logger = logging.getLogger(__name__)

UNAVAILABLE_TEMPLATE = "503.html"
# Ask clients and proxies to come back after this many seconds.
RETRY_AFTER = 30


@requires_csrf_token
def server_error(request):
    """The 500 page, rendered without the request so no context processor runs: the database
    or one of them may be what failed."""
    body = loader.render_to_string("500.html", {"portal_name": settings.PORTAL_NAME})
    return HttpResponseServerError(body)


def passing_fault(error) -> str:
    """Which dependency ``error`` says is down: "database", "storage" or "" for any other."""
    if isinstance(error, OperationalError | InterfaceError):
        return "database"
    if isinstance(error, StorageUnavailable | BotoCoreError):  # the bucket not answering
        return "storage"
    return ""


def unavailable(fault) -> HttpResponse:
    context = {"fault": fault, "portal_name": settings.PORTAL_NAME}
    body = loader.get_template(UNAVAILABLE_TEMPLATE).render(context)
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def close_broken_connections():
    """Close every connection left unusable by the fault, unless a transaction still holds it
    (its atomic block closes it on the way out)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            # close() forgets the connection even when closing it fails in turn.
            with suppress(DatabaseError):
                connection.close_if_unusable_or_obsolete()


def handler500(request):
    """The portal's 500 page (server_error above), except for a dependency that is down: 503 and a page saying so."""
    error = sys.exc_info()[1]
    fault = passing_fault(error)
    if not fault:
        return server_error(request)
    logger.warning("%s unavailable: %s", fault, error)
    close_broken_connections()
    try:
        return unavailable(fault)
    except Exception:  # the page must never fail in turn
        logger.exception("could not render the 503 page")
        return HttpResponseServerError(b"Service unavailable", status=503)
