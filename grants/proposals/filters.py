import django_filters
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Q,
)
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from grants.models import (
    UNSUBMITTED,
    Call,
    ConsortiumMember,
    Institution,
    MemberStatus,
    Proposal,
    ProposalStatus,
    Province,
    Screening,
)
from grants.models.decisions import Outcome

# ---- the fund office's proposal lists -------------------------------------------------------

NO_DECISION = "none"

# Filters and sorting read what the proposal keeps: the review score reviews.workflow stores
# with every change to its submitted reviews, and the total frozen at submission.
SORTED_COLUMNS = {"review_score", "requested_total"}


class StoredOrderingFilter(django_filters.OrderingFilter):
    """Sorting on the stored columns, proposals without a score or total last either way; ties
    keep one order, so no proposal shows on two pages."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        ordering = []
        for param in value:
            if param in EMPTY_VALUES:
                continue
            field = self.get_ordering_value(param)
            column = field.lstrip("-")
            if column not in SORTED_COLUMNS:
                ordering.append(field)
            elif field.startswith("-"):
                ordering.append(F(column).desc(nulls_last=True))
            else:
                ordering.append(F(column).asc(nulls_last=True))
        return qs.order_by(*ordering, "reference", "pk")


class OfficeProposalFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[c for c in ProposalStatus.choices if c[0] not in UNSUBMITTED],
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
    ordering = StoredOrderingFilter(
        label=_("Sort by"),
        fields=[
            ("reference", "reference"),
            ("title_en", "title"),
            ("submitted_at", "submitted_at"),
            ("requested_total", "total"),
            ("review_score", "score"),
        ],
        field_labels={
            "reference": _("Reference"),
            "title_en": _("Title (English)"),
            "submitted_at": _("Submitted at"),
            "requested_total": _("Total requested"),
            "review_score": _("Review score"),
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
        return queryset.filter(review_score__gte=value)

    def filter_score_max(self, queryset, name, value):
        return queryset.filter(review_score__lte=value)

    def filter_outcome(self, queryset, name, value):
        if value == NO_DECISION:
            return queryset.filter(decision__isnull=True)
        return queryset.filter(decision__outcome=value)


class AuditFilter(django_filters.FilterSet):
    """The fund office's audit page: by call, proposal reference, person, action and date."""

    call = django_filters.ModelChoiceFilter(
        label=_("Call"), queryset=Call.objects.order_by("-year", "code"), to_field_name="code"
    )
    proposal = django_filters.CharFilter(
        label=_("Proposal reference"), field_name="proposal__reference", lookup_expr="icontains"
    )
    person = django_filters.CharFilter(label=_("Person"), method="filter_person")
    action = django_filters.ChoiceFilter(label=_("Action"), choices=[])
    since = django_filters.DateFilter(
        label=_("From"),
        field_name="at__date",
        lookup_expr="gte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        label=_("To"),
        field_name="at__date",
        lookup_expr="lte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        from grants.core.audit_text import ACTION_LABELS

        super().__init__(*args, **kwargs)
        self.filters["action"].extra["choices"] = sorted(
            ((action, str(label)) for action, label in ACTION_LABELS.items()),
            key=lambda choice: choice[1],
        )

    def filter_person(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(actor__name__icontains=value) | Q(actor__email__icontains=value))
