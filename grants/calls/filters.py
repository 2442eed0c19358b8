"""The applicants' list of calls: by state, discipline area and whether a call is open now."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.models import Call, CallStatus, Discipline


class AnyYesNoWidget(django_filters.widgets.BooleanWidget):
    """Any / Yes / No in the reader's language, Any first and chosen by default. django-filter's
    widget calls the empty choice "Unknown" and translates its labels once, at import, in
    whichever language was active then."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]


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
        widget=AnyYesNoWidget(),
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
