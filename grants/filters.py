from decimal import Decimal

import django_filters
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from reviews import scoring
from reviews.models import Review
from reviews.workflow import criteria_for, plain_criteria

from . import budget
from .models import (
    BudgetLine,
    Call,
    CallStatus,
    ConsortiumMember,
    Discipline,
    Institution,
    MemberStatus,
    Proposal,
    ProposalStatus,
    Province,
    Screening,
)
from .models.decisions import Outcome
from .money import ZERO


class CallFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=[c for c in CallStatus.choices if c[0] != CallStatus.DRAFT]
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Discipline area"),
        queryset=Discipline.objects.filter(parent__isnull=True),
        method="filter_area",
    )
    open_now = django_filters.BooleanFilter(
        label=_("Open now"),
        method="filter_open_now",
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = Call
        fields = ["status", "area", "open_now"]

    def filter_area(self, queryset, name, value):
        # A call covering F06 belongs to department F; a call covering all of F covers F06 too.
        return queryset.filter(
            Q(discipline_areas__code__startswith=value.code)
            | Q(discipline_areas__code=value.code[:1])
        ).distinct()

    def filter_open_now(self, queryset, name, value):
        if value is None:
            return queryset
        open_ids = Call.objects.open_now(timezone.now()).values("pk")
        return queryset.filter(pk__in=open_ids) if value else queryset.exclude(pk__in=open_ids)


# ---- the fund office's proposal lists -------------------------------------------------------

AMOUNT = DecimalField(max_digits=16, decimal_places=2)


def with_requested_totals(proposals):
    """Annotate each proposal with its requested direct costs, equipment and total (direct
    plus indirect under grants.budget's tiers), summed in the database over the budget lines
    of accepted members, the ones a submitted proposal is judged on.

    ``total_requested`` serves for sorting; pages show grants.budget's exact figure, computed
    from the two sums (see requested_total)."""
    lines = (
        BudgetLine.objects.filter(
            member__proposal=OuterRef("pk"), member__status=MemberStatus.ACCEPTED
        )
        .order_by()
        .values("member__proposal")
    )

    def summed(queryset):
        return Coalesce(
            Subquery(queryset.annotate(sum=Sum("amount")).values("sum"), output_field=AMOUNT),
            Value(ZERO),
            output_field=AMOUNT,
        )

    proposals = proposals.annotate(
        direct_total=summed(lines),
        equipment_total=summed(lines.filter(category=budget.EQUIPMENT)),
    )
    base = ExpressionWrapper(F("direct_total") - F("equipment_total"), output_field=AMOUNT)
    indirect = Value(ZERO, output_field=AMOUNT)
    lower = ZERO
    for upper, rate in budget.INDIRECT_TIERS:
        top = base if upper is None else Least(base, Value(upper, output_field=AMOUNT))
        slice_ = Greatest(
            ExpressionWrapper(top - Value(lower, output_field=AMOUNT), output_field=AMOUNT),
            Value(ZERO, output_field=AMOUNT),
            output_field=AMOUNT,
        )
        indirect = ExpressionWrapper(
            indirect + slice_ * Value(rate, output_field=AMOUNT), output_field=AMOUNT
        )
        lower = upper
    return proposals.annotate(
        total_requested=ExpressionWrapper(F("direct_total") + indirect, output_field=AMOUNT)
    )


def requested_total(proposal):
    """The exact total (direct plus indirect) of a proposal annotated by with_requested_totals."""
    return proposal.direct_total + budget.indirect_cost_cap(
        proposal.direct_total - proposal.equipment_total
    )


def review_scores(call, proposals):
    """Each proposal's score: the mean of its submitted reviews' weighted means, n/a left out,
    by reviews.scoring. Proposals without a valid review are missing from the result.

    Computed in Python rather than in SQL: the database would divide in floats (SQLite) or
    round each division, and a mean of exactly 3 could come out as 2.999…, on the wrong side of
    a filter's bound; reviews.scoring is exact. At most two queries, however many proposals."""
    by_proposal = {}
    for proposal_id, scores in (
        Review.objects.filter(
            assignment__proposal__in=proposals.order_by().values("pk"),
            submitted_at__isnull=False,
        )
        .order_by("pk")
        .values_list("assignment__proposal_id", "scores")
    ):
        by_proposal.setdefault(proposal_id, []).append(
            {key: None if value in (None, "") else Decimal(value) for key, value in scores.items()}
        )
    if not by_proposal:
        return {}
    criteria = plain_criteria(criteria_for(call))
    means = {
        proposal_id: scoring.aggregate(
            reviews, criteria, overall_threshold=call.overall_threshold
        ).mean
        for proposal_id, reviews in by_proposal.items()
    }
    return {proposal_id: mean for proposal_id, mean in means.items() if mean is not None}


NO_DECISION = "none"


class ScoreOrderingFilter(django_filters.OrderingFilter):
    """Sorting where "score" is a review score computed outside the database (review_scores):
    the queryset is annotated with each score's rank, unscored proposals last either way."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        ordering = []
        for param in value:
            if param in EMPTY_VALUES:
                continue
            field = self.get_ordering_value(param)
            if field.lstrip("-") != "score":
                ordering.append(field)
                continue
            qs = qs.annotate(score_rank=self.score_ranks(self.parent.scores))
            rank = F("score_rank")
            ordering.append(
                rank.desc(nulls_last=True) if field.startswith("-") else rank.asc(nulls_last=True)
            )
        # Ties keep one order, so no proposal shows on two pages.
        return qs.order_by(*ordering, "reference", "pk")

    @staticmethod
    def score_ranks(scores):
        """1 for the lowest score; equal scores share a rank."""
        by_score = {}
        for proposal_id, score in scores.items():
            by_score.setdefault(score, []).append(proposal_id)
        return Case(
            *(
                When(pk__in=by_score[score], then=Value(rank))
                for rank, score in enumerate(sorted(by_score), 1)
            ),
            default=None,
            output_field=IntegerField(),
        )


class OfficeProposalFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[c for c in ProposalStatus.choices if c[0] != ProposalStatus.DRAFT],
    )
    screening = django_filters.ChoiceFilter(label=_("Eligibility"), choices=Screening.choices)
    province = django_filters.ModelChoiceFilter(
        label=_("Province"),
        queryset=Province.objects.filter(institutions__isnull=False).distinct(),
        method="filter_province",
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"),
        queryset=Institution.objects.select_related("province"),
        method="filter_institution",
    )
    discipline = django_filters.CharFilter(
        label=_("Primary discipline code"),
        method="filter_discipline",
        help_text=_("The code or its start: F, F06, F0601."),
    )
    score_min = django_filters.NumberFilter(
        label=_("Review score from"),
        method="filter_score_min",
        min_value=0,
        max_value=5,
        help_text=_("The mean of the submitted reviews' weighted scores, 0 to 5."),
    )
    score_max = django_filters.NumberFilter(
        label=_("Review score up to"),
        method="filter_score_max",
        min_value=0,
        max_value=5,
    )
    outcome = django_filters.ChoiceFilter(
        label=_("Funding outcome"),
        choices=[*Outcome.choices, (NO_DECISION, _("No decision yet"))],
        method="filter_outcome",
    )
    ordering = ScoreOrderingFilter(
        label=_("Sort by"),
        fields=[
            ("reference", "reference"),
            ("title_en", "title"),
            ("submitted_at", "submitted_at"),
            ("total_requested", "total"),
            ("score", "score"),
        ],
        field_labels={
            "reference": _("Reference"),
            "title_en": _("Title (English)"),
            "submitted_at": _("Submitted at"),
            "total_requested": _("Total requested"),
            "score": _("Review score"),
        },
    )

    class Meta:
        model = Proposal
        fields = [
            "status",
            "screening",
            "province",
            "institution",
            "discipline",
            "score_min",
            "score_max",
            "outcome",
        ]

    def __init__(self, *args, scores=None, **kwargs):
        """``scores``: review_scores for the proposals of ``queryset``."""
        super().__init__(*args, **kwargs)
        self.scores = scores or {}
        self.filters["institution"].field.label_from_instance = lambda institution: (
            f"{institution.name} · {institution.province.name}"
        )

    def _with_member(self, queryset, **where):
        # Any accepted member counts; a subquery, not a join, so no proposal is listed twice.
        members = ConsortiumMember.objects.filter(
            proposal=OuterRef("pk"), status=MemberStatus.ACCEPTED, **where
        )
        return queryset.filter(Exists(members))

    def filter_province(self, queryset, name, value):
        return self._with_member(queryset, institution__province=value)

    def filter_institution(self, queryset, name, value):
        return self._with_member(queryset, institution=value)

    def filter_discipline(self, queryset, name, value):
        code = value.strip().upper()
        return queryset.filter(primary_code__code__startswith=code) if code else queryset

    def filter_score_min(self, queryset, name, value):
        return queryset.filter(pk__in=[pk for pk, score in self.scores.items() if score >= value])

    def filter_score_max(self, queryset, name, value):
        return queryset.filter(pk__in=[pk for pk, score in self.scores.items() if score <= value])

    def filter_outcome(self, queryset, name, value):
        if value == NO_DECISION:
            return queryset.filter(decision__isnull=True)
        return queryset.filter(decision__outcome=value)
