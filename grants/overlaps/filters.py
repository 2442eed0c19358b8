"""The filters of a call's overlap page and the form that screens one flag."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from grants.core import limits
from grants.models import FlagStatus, OverlapFlag, OverlapKind


class OverlapFlagFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OverlapKind.choices)
    score_min = django_filters.NumberFilter(
        label=_("Score from"),
        field_name="score",
        lookup_expr="gte",
        min_value=0,
        max_value=1,
        help_text=_("0 to 1: how much of the two sides is shared."),
    )
    status = django_filters.ChoiceFilter(label=_("Screening"), choices=FlagStatus.choices)

    class Meta:
        model = OverlapFlag
        fields = ["kind", "score_min", "status"]


class FlagResolveForm(forms.Form):
    status = forms.ChoiceField(choices=FlagStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=limits.SCREENING_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to mark a duplicate; shown in the proposal's screening."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == FlagStatus.DUPLICATE and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the reason why this is a duplicate."))
        return cleaned
