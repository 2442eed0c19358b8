"""The public list's filters: call, year, province, discipline, institution and text."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from grants.models import ConsortiumMember, Institution, MemberStatus, Project, Province
from grants.opendata.permissions import published_calls, published_projects

# A few words to look for; longer input is refused next to the field, not silently cut.
SEARCH_TEXT = 100


def _accepted_members(**where):
    return ConsortiumMember.objects.filter(
        proposal=OuterRef("proposal_id"), status=MemberStatus.ACCEPTED, **where
    )


def _published_institutions():
    members = ConsortiumMember.objects.filter(
        status=MemberStatus.ACCEPTED, proposal__project__in=published_projects()
    )
    return (
        Institution.objects.filter(pk__in=members.values("institution_id"))
        .select_related("province")
        .order_by("province_id", "name_en")
    )


class OpenDataFilter(django_filters.FilterSet):
    call = django_filters.ModelChoiceFilter(
        label=_("Call"),
        queryset=published_calls(),
        to_field_name="code",
        field_name="proposal__call",
    )
    year = django_filters.ChoiceFilter(
        label=_("Year of the call"), field_name="proposal__call__year"
    )
    province = django_filters.ModelChoiceFilter(
        label=_("Province"),
        queryset=Province.objects.filter(is_funding=True),
        method="filter_province",
        help_text=_("Projects with an institution in this province."),
    )
    discipline = django_filters.CharFilter(
        label=_("Discipline code"),
        method="filter_discipline",
        max_length=12,
        help_text=_("The code or its start: F, F06, F0601."),
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"), queryset=Institution.objects.none(), method="filter_institution"
    )
    q = django_filters.CharFilter(
        label=_("Text"),
        method="filter_text",
        max_length=SEARCH_TEXT,
        help_text=_("Words from the title, the keywords or the abstract."),
    )

    class Meta:
        model = Project
        fields = ["call", "year", "province", "discipline", "institution", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = published_calls().order_by("-year").values_list("year", flat=True).distinct()
        self.filters["year"].extra["choices"] = [(year, str(year)) for year in years]
        institution = self.filters["institution"].field
        institution.queryset = _published_institutions()
        institution.label_from_instance = lambda item: f"{item.name} · {item.province.name}"

    def filter_province(self, queryset, name, value):
        return queryset.filter(Exists(_accepted_members(institution__province=value)))

    def filter_institution(self, queryset, name, value):
        return queryset.filter(Exists(_accepted_members(institution=value)))

    def filter_discipline(self, queryset, name, value):
        code = value.strip().upper()
        return queryset.filter(proposal__primary_code__code__startswith=code) if code else queryset

    def filter_text(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(proposal__title_zh__icontains=word)
                | Q(proposal__title_en__icontains=word)
                | Q(proposal__keywords__icontains=word)
                | Q(proposal__abstract_zh__icontains=word)
                | Q(proposal__abstract_en__icontains=word)
            )
        return queryset
