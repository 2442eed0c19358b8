"""Every error the API gives has one shape (docs/api.md):

    {"error": {"code": "not_found", "message": "…", "fields": {"amount": ["…"]}}}

``fields`` is there only when particular fields were wrong."""

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from grants.core.errors import WorkflowError


class Refused(APIException):
    """A workflow function said no (WorkflowError): the request was understood but the state of
    things does not allow it."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "refused"


def error_body(code, message, fields=None):
    body = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = fields
    return {"error": body}


def _fields(detail):
    if isinstance(detail, dict):
        return {name: [str(item) for item in _flat(value)] for name, value in detail.items()}
    return None


def _flat(value):
    if isinstance(value, list | tuple):
        for item in value:
            yield from _flat(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _flat(item)
    else:
        yield value


def api_exception_handler(exc, context):
    if isinstance(exc, WorkflowError):
        exc = Refused(detail=exc.message, code=exc.code or "refused")
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        fields = _fields(exc.detail)
        if fields and set(fields) == {"non_field_errors"}:
            message, fields = fields["non_field_errors"][0], None
        else:
            message = _("Some fields are not right: see fields.")
        body = error_body("invalid", message, fields)
    else:
        # DRF turned Django's Http404 and PermissionDenied into {"detail": ErrorDetail}.
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        body = error_body(getattr(detail, "code", None) or "error", detail)
    return Response(body, status=response.status_code, headers=_kept_headers(response))


def _kept_headers(response):
    return {
        name: response[name] for name in ("WWW-Authenticate", "Retry-After") if name in response
    }
