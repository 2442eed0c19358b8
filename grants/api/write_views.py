"""The writes the provinces need, through the workflow functions the pages call (their audit
entries, row locks and e-mails come with them): a provincial officer confirms their province's
share of a funding round and records a payment; an officer imports other funders' records."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, parser_classes
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from grants.accounts.overlap_permissions import catalogue_import_scope
from grants.accounts.permissions import (
    OFFICE_ROLES,
    has_role,
    officer_province_code,
    payments_for,
    roles_of,
)
from grants.api import serializers
from grants.funding import decisions
from grants.models import Call, Role
from grants.overlaps.import_file import MAX_IMPORT_BYTES
from grants.overlaps.records_import import ImportFileError, import_check, import_save
from grants.projects import payments


@extend_schema(request=None, responses=serializers.ConfirmationSerializer)
@api_view(["POST"])
def call_confirm(request, code):
    """Confirm the caller's province's share of the call's funding round (provincial officers)."""
    if not has_role(request.user, Role.PROVINCIAL_OFFICER):
        raise PermissionDenied
    call = get_object_or_404(Call.objects.visible_to_applicants(), code=code)
    province = officer_province_code(request.user)
    funding_round = decisions.province_confirm(
        call=call, actor=request.user, province_code=province
    )
    body = {"call": call.code, "province": province, "final": funding_round.final_at is not None}
    return Response(serializers.ConfirmationSerializer(body).data)


@extend_schema(
    request=serializers.DisbursementInputSerializer,
    responses={201: serializers.DisbursementSerializer},
)
@api_view(["POST"])
def payment_disburse(request, pk):
    """Record a payment against an instalment the caller's province pays (or any, for the fund
    office), as on the project's payments page."""
    instalment = get_object_or_404(payments_for(request.user), pk=pk)
    given = serializers.DisbursementInputSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    try:
        disbursement = payments.payment_record(
            instalment=instalment, actor=request.user, **given.validated_data
        )
    except payments.PaymentRefused as refused:
        fields = {field: [message] for field, message in refused.errors.items()}
        raise ValidationError(fields) from refused
    body = serializers.DisbursementSerializer(disbursement).data
    return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(
    request={"multipart/form-data": serializers.ImportInputSerializer},
    responses={201: serializers.ImportResultSerializer},
)
@api_view(["POST"])
@parser_classes([MultiPartParser])
def external_records_import(request):
    """Import other funders' records from a CSV file (docs/overlaps.md), all rows or none; a
    provincial officer imports their own province's rows only, as on the records page."""
    if not roles_of(request.user) & OFFICE_ROLES:
        raise PermissionDenied
    given = serializers.ImportInputSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    data = given.validated_data["file"].read(MAX_IMPORT_BYTES + 1)
    try:
        checked = import_check("records", data, scope=catalogue_import_scope(request.user))
        if not checked.ok:
            raise ValidationError({"file": [_problem(problem) for problem in checked.problems]})
        result = import_save("records", checked, actor=request.user)
    except ImportFileError as error:
        raise ValidationError({"file": [error.message]}) from error
    body = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    return Response(serializers.ImportResultSerializer(body).data, status=status.HTTP_201_CREATED)


def _problem(problem):
    return _("Row %(row)s, %(column)s: %(message)s") % {
        "row": problem.row,
        "column": problem.column or "-",
        "message": problem.message,
    }
