"""The filters of the fund office's audit page."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grants.core.audit_text import ACTION_LABELS
from grants.models import Call


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
        super().__init__(*args, **kwargs)
        self.filters["action"].extra["choices"] = sorted(
            ((action, str(label)) for action, label in ACTION_LABELS.items()),
            key=lambda choice: choice[1],
        )

    def filter_person(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(actor__name__icontains=value) | Q(actor__email__icontains=value))
