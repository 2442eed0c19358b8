"""The query parameters each API list takes (django-filter)."""

import django_filters

from grants.models import (
    Call,
    CallStatus,
    Decision,
    ExternalRecord,
    Outcome,
    Payment,
    Project,
    ProjectStatus,
    Proposal,
    ProposalStatus,
    Report,
    ReportStatus,
    Screening,
)

# Beyond a 32-bit key nothing is stored; bounded, a fuzzed 10**30 is a 400, not a database error.
MAX_ID = 2**31 - 1


class CallFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CallStatus.choices)

    class Meta:
        model = Call
        fields = ["status", "year"]


class ProposalFilter(django_filters.FilterSet):
    call = django_filters.CharFilter(field_name="call__code")
    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices)
    screening = django_filters.ChoiceFilter(choices=Screening.choices)
    province = django_filters.CharFilter(method="filter_province", max_length=6)

    class Meta:
        model = Proposal
        fields = ["call", "status", "screening", "province"]

    def filter_province(self, queryset, name, value):
        # member_provinces is the stored, comma-separated list of the consortium's provinces.
        return queryset.filter(member_provinces__contains=value)


class DecisionFilter(django_filters.FilterSet):
    call = django_filters.CharFilter(field_name="round__call__code")
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices)

    class Meta:
        model = Decision
        fields = ["call", "outcome"]


class PaymentFilter(django_filters.FilterSet):
    call = django_filters.CharFilter(field_name="share__decision__round__call__code")
    province = django_filters.CharFilter(field_name="share__province_id", max_length=6)
    project = django_filters.NumberFilter(
        field_name="share__decision__project__id", min_value=0, max_value=MAX_ID
    )
    year = django_filters.NumberFilter(field_name="year", min_value=0, max_value=MAX_ID)

    class Meta:
        model = Payment
        fields = ["call", "province", "project", "year"]


class ProjectFilter(django_filters.FilterSet):
    call = django_filters.CharFilter(field_name="proposal__call__code")
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices)

    class Meta:
        model = Project
        fields = ["call", "status"]


class ReportFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project_id", min_value=0, max_value=MAX_ID)
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)

    class Meta:
        model = Report
        fields = ["project", "status", "kind"]


class ExternalRecordFilter(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="programme")
    province = django_filters.CharFilter(field_name="province_id", max_length=6)

    class Meta:
        model = ExternalRecord
        fields = ["programme", "province", "start_year"]
