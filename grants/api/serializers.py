"""What each API resource shows. Reviewers' identities are never among it: a proposal carries
the aggregate score of its reviews, and that only for the officers."""

from django.utils.functional import cached_property
from rest_framework import serializers

from grants.accounts.permissions import sees_aggregate_scores, share_province_scope
from grants.models import (
    AwardShare,
    Call,
    ConsortiumMember,
    Decision,
    Disbursement,
    ExternalRecord,
    Payment,
    Project,
    Proposal,
    Report,
)


class CallSerializer(serializers.ModelSerializer):
    class Meta:
        model = Call
        fields = [
            "code",
            "year",
            "title_zh",
            "title_en",
            "status",
            "opens_at",
            "closes_at",
            "decision_date",
            "funding_model",
            "min_provinces",
            "max_direct_total",
        ]


class MemberSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.name_zh")
    province = serializers.CharField(source="institution.province_id")

    class Meta:
        model = ConsortiumMember
        fields = ["institution", "province", "is_lead", "status"]


class ProposalSerializer(serializers.ModelSerializer):
    call = serializers.CharField(source="call.code")
    primary_code = serializers.CharField(source="primary_code_id", allow_null=True)
    consortium = MemberSerializer(source="members", many=True)
    budget_by_province = serializers.SerializerMethodField()
    aggregate_score = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "reference",
            "call",
            "status",
            "screening",
            "title_zh",
            "title_en",
            "primary_code",
            "duration_months",
            "submitted_at",
            "requested_direct",
            "requested_total",
            "budget_by_province",
            "consortium",
            "aggregate_score",
        ]

    def get_budget_by_province(self, proposal) -> dict[str, str]:
        """The submitted snapshot's total per province (empty for a draft)."""
        return {
            code: str(amount) for code, amount in (proposal.requested_by_province or {}).items()
        }

    def get_aggregate_score(self, proposal) -> dict | None:
        if not sees_aggregate_scores(self.context["request"].user):
            return None
        return {
            "score": None if proposal.review_score is None else str(proposal.review_score),
            "reviews": proposal.review_count,
            "fundable": proposal.review_fundable,
        }


class ShareSerializer(serializers.ModelSerializer):
    class Meta:
        model = AwardShare
        fields = ["province", "received", "charged", "balancing"]


class DecisionSerializer(serializers.ModelSerializer):
    call = serializers.CharField(source="round.call.code")
    reference = serializers.CharField(source="proposal.reference")
    shares = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "proposal",
            "reference",
            "call",
            "rank",
            "outcome",
            "cut",
            "total",
            "shares",
        ]

    def get_shares(self, decision) -> list[dict]:
        own = share_province_scope(self.context["request"].user)
        shares = [share for share in decision.shares.all() if own in (None, share.province_id)]
        return [self._share_serializer.to_representation(share) for share in shares]

    @cached_property
    def _share_serializer(self):
        # One for the whole list: building a serializer binds its fields anew, which cost
        # more than the rows of a page did when it was made once per decision.
        return ShareSerializer()


class LedgerRowSerializer(serializers.Serializer):
    province = serializers.CharField(source="province.code")
    contributed = serializers.DecimalField(max_digits=16, decimal_places=2)
    committed = serializers.DecimalField(max_digits=16, decimal_places=2)
    paid = serializers.DecimalField(max_digits=16, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=16, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=16, decimal_places=2)
    paid_by_year = serializers.DictField(child=serializers.CharField())


class DisbursementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Disbursement
        fields = ["id", "amount", "paid_on", "voucher", "recorded_at"]


class PaymentSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="share.decision.project.pk")
    reference = serializers.CharField(source="share.decision.proposal.reference")
    province = serializers.CharField(source="share.province_id")
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2)
    disbursements = DisbursementSerializer(many=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "project",
            "reference",
            "province",
            "year",
            "amount",
            "paid",
            "outstanding",
            "paid_at",
            "disbursements",
        ]


class DisbursementInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    paid_on = serializers.DateField()
    voucher = serializers.CharField(max_length=40)


class ProjectSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="proposal.reference")
    title_zh = serializers.CharField(source="proposal.title_zh")
    title_en = serializers.CharField(source="proposal.title_en")
    call = serializers.CharField(source="proposal.call.code")

    class Meta:
        model = Project
        fields = [
            "id",
            "proposal",
            "reference",
            "call",
            "title_zh",
            "title_en",
            "status",
            "duration_months",
            "starts_on",
            "ends_on",
        ]


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "project", "kind", "year", "due_on", "status", "submitted_at", "verdict"]


class ExternalRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExternalRecord
        fields = [
            "id",
            "programme",
            "province",
            "reference",
            "title_zh",
            "title_en",
            "pi_name",
            "pi_orcid",
            "institution_name",
            "amount",
            "start_year",
            "end_year",
        ]


class ConfirmationSerializer(serializers.Serializer):
    call = serializers.CharField()
    province = serializers.CharField()
    final = serializers.BooleanField()


class ImportInputSerializer(serializers.Serializer):
    file = serializers.FileField()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
