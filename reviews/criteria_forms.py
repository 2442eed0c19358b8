"""The fund office's form of a call's review criteria: one row per criterion, reordered,
removed or added in one go."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grants.core.forms import DisplayTextField
from reviews import scoring
from reviews.models import Criterion


class CriterionForm(forms.Form):
    """One criterion of the call; ``key`` is empty on the row that adds one."""

    key = forms.CharField(widget=forms.HiddenInput, required=False)
    name_zh = DisplayTextField(label=gettext_lazy("Chinese name"), max_length=60)
    name_en = DisplayTextField(label=gettext_lazy("English name"), max_length=100)
    weight = forms.DecimalField(
        label=gettext_lazy("Weight"),
        max_digits=4,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.05", "min": "0"}),
    )
    threshold = forms.DecimalField(
        label=gettext_lazy("Threshold"),
        initial=Criterion._meta.get_field("threshold").default,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": "5"}),
    )

    def clean_weight(self):
        weight = self.cleaned_data["weight"]
        if weight <= 0:
            raise ValidationError(_("The weight must be above 0."))
        return weight

    def clean_threshold(self):
        threshold = self.cleaned_data["threshold"]
        if scoring.validate_score(threshold):
            raise ValidationError(_("Give the threshold from 0 to 5 in half points, such as 3."))
        return threshold


class BaseCriterionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.ordered_forms:
            raise ValidationError(_("Keep at least one criterion."))
        names = set()
        for form in self.ordered_forms:
            name = form.cleaned_data["name_en"].strip().casefold()
            if name in names:
                form.add_error("name_en", _("Another criterion has this English name."))
            names.add(name)

    def rows(self):
        """The kept criteria in their new order, as reviews.criteria.criteria_save takes them."""
        fields = ("key", "name_zh", "name_en", "weight", "threshold")
        return [{name: form.cleaned_data[name] for name in fields} for form in self.ordered_forms]

    def removed(self):
        return [form.cleaned_data["key"] for form in self.deleted_forms if form.cleaned_data["key"]]


CriterionFormSet = forms.formset_factory(
    CriterionForm,
    formset=BaseCriterionFormSet,
    extra=1,
    can_order=True,
    can_delete=True,
    max_num=20,
    validate_max=True,
)
