"""The filters of the lists of other funders' records and of the shared instruments."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grants.models import Province
from grants.models.overlaps import ExternalRecord, SharedInstrument

NATIONAL = "national"


def _programmes():
    names = ExternalRecord.objects.order_by("programme").values_list("programme", flat=True)
    return [(name, name) for name in names.distinct()]


def _provinces():
    return [(p.code, p.name) for p in Province.objects.filter(is_funding=True)]


class ExternalRecordFilter(django_filters.FilterSet):
    programme = django_filters.ChoiceFilter(label=_("Programme"), choices=_programmes)
    province = django_filters.ChoiceFilter(
        label=_("Province"),
        choices=lambda: [*_provinces(), (NATIONAL, _("National (NSFC, ministries)"))],
        method="filter_province",
    )
    q = django_filters.CharFilter(
        label=_("Reference, title, PI or institution"),
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    class Meta:
        model = ExternalRecord
        fields = []

    def filter_province(self, queryset, name, value):
        if value == NATIONAL:
            return queryset.filter(province__isnull=True)
        return queryset.filter(province_id=value)

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(title_zh__icontains=value)
            | Q(title_en__icontains=value)
            | Q(pi_name__icontains=value)
            | Q(institution_name__icontains=value)
        )


class SharedInstrumentFilter(django_filters.FilterSet):
    province = django_filters.ChoiceFilter(label=_("Province"), choices=_provinces)
    q = django_filters.CharFilter(
        label=_("Catalogue number, instrument, model or institution"),
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    class Meta:
        model = SharedInstrument
        fields = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(catalogue_ref__icontains=value)
            | Q(name__icontains=value)
            | Q(model__icontains=value)
            | Q(institution_name__icontains=value)
        )
