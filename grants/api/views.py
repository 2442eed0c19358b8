"""The API's read endpoints. Each list is the queryset grants.accounts.permissions gives the
pages, so the API shows exactly what the pages show, and each loads in a constant number of
queries (select_related and prefetch_related, never a query per row)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from grants.accounts import permissions
from grants.api import filters, serializers
from grants.funding import payments as ledger
from grants.models import CallStatus, ConsortiumMember, Disbursement
from grants.models.proposals import ProposalQuerySet


def _proposal_unread(relation):
    """The JSON and long texts of a proposal a list reaches through ``relation`` but never
    shows: decoding them per row was most of a page's time."""
    return [
        *ProposalQuerySet.list_deferred_through(relation),
        f"{relation}__requested_by_province",
        f"{relation}__review_result",
    ]


class ByIdViewSet(viewsets.ReadOnlyModelViewSet):
    # Ids past 18 digits are no row's (the keys are 64-bit): a 404 from the URL itself.
    lookup_value_regex = "[0-9]{1,18}"


class CallViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.CallSerializer
    filterset_class = filters.CallFilter
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return permissions.api_calls_for(self.request.user)


class ProposalViewSet(ByIdViewSet):
    serializer_class = serializers.ProposalSerializer
    filterset_class = filters.ProposalFilter

    def get_queryset(self):
        members = ConsortiumMember.objects.select_related("institution").order_by("-is_lead", "pk")
        return (
            permissions.proposals_for(self.request.user)
            .for_lists()
            .defer("review_result")  # the score's columns suffice: its JSON is the reviews'
            .select_related("call")
            .prefetch_related(Prefetch("members", queryset=members))
        )


class DecisionViewSet(ByIdViewSet):
    serializer_class = serializers.DecisionSerializer
    filterset_class = filters.DecisionFilter

    def get_queryset(self):
        return (
            permissions.decisions_for(self.request.user)
            .select_related("round__call", "proposal")
            .defer("reasons", "round__cuts", *_proposal_unread("proposal"))
            .prefetch_related("shares")
        )


class PaymentViewSet(ByIdViewSet):
    serializer_class = serializers.PaymentSerializer
    filterset_class = filters.PaymentFilter

    def get_queryset(self):
        return (
            permissions.payments_for(self.request.user)
            .select_related("share__decision__project", "share__decision__proposal")
            .defer(
                "share__decision__reasons",
                *_proposal_unread("share__decision__proposal"),
            )
            .prefetch_related(
                Prefetch("disbursements", queryset=Disbursement.objects.order_by("pk"))
            )
        )


class ProjectViewSet(ByIdViewSet):
    serializer_class = serializers.ProjectSerializer
    filterset_class = filters.ProjectFilter

    def get_queryset(self):
        return (
            permissions.projects_for(self.request.user)
            .select_related("proposal__call")
            .defer(*_proposal_unread("proposal"))
        )


class ReportViewSet(ByIdViewSet):
    serializer_class = serializers.ReportSerializer
    filterset_class = filters.ReportFilter

    def get_queryset(self):
        return permissions.reports_for(self.request.user)


class ExternalRecordViewSet(ByIdViewSet):
    serializer_class = serializers.ExternalRecordSerializer
    filterset_class = filters.ExternalRecordFilter

    def get_queryset(self):
        return permissions.external_records_for(self.request.user)


@extend_schema(responses=serializers.LedgerRowSerializer(many=True))
@api_view(["GET"])
def call_ledger(request, code):
    """The call's ledger, one row per province the caller reads (as on the ledger page)."""
    provinces = list(permissions.ledger_provinces_for(request.user))
    call = get_object_or_404(
        permissions.api_calls_for(request.user).exclude(status=CallStatus.DRAFT), code=code
    )
    rows = ledger.ledger([call], provinces)
    return Response(serializers.LedgerRowSerializer(rows, many=True).data)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
def not_found(request, rest=""):
    """Any other path under /api/: a 404 in the API's error shape, not the portal's HTML page."""
    raise NotFound
