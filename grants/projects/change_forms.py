"""The forms of a project's changes and early end."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.core import limits
from grants.core.forms import MoneyField
from grants.core.money import format_yuan
from grants.models import AwardCategory, Institution
from grants.projects import change_rules

YEAR = _("year %(year)s")


REASON = _("Reason")


def _reason_field(label=REASON):
    return forms.CharField(
        label=label, max_length=limits.REPORT_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )


def cell_key(cell):
    member, category, year = cell
    return f"{member}:{category}:{year}"


def parse_cell(key):
    member, category, year = key.split(":")
    return int(member), category, int(year)


class MoveForm(forms.Form):
    """One amount moved from a line of the awarded budget to another (maybe new) line."""

    source = forms.ChoiceField(label=_("From"))
    member = forms.TypedChoiceField(label=_("To member"), coerce=int)
    category = forms.ChoiceField(
        label=_("To category"),
        choices=[c for c in AwardCategory.choices if c[0] not in change_rules.FIXED_CATEGORIES],
    )
    year = forms.TypedChoiceField(label=_("To year"), coerce=int)
    amount = MoneyField(label=_("Amount (yuan)"))

    def __init__(self, *args, cells, members, years, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(AwardCategory.choices)
        names = {m.pk: m.institution.name for m in members}
        self.fields["source"].choices = [("", "—")] + [
            (
                cell_key(cell),
                f"{names.get(cell[0], cell[0])} · {labels.get(cell[1], cell[1])} · "
                f"{YEAR % {'year': cell[2]}} ({format_yuan(amount)})",
            )
            for cell, amount in cells.items()
            if cell[1] not in change_rules.FIXED_CATEGORIES
        ]
        self.fields["member"].choices = [(m.pk, names[m.pk]) for m in members]
        self.fields["year"].choices = [(y, YEAR % {"year": y}) for y in years]

    def has_changed(self):
        # A row left blank still posts its selects' first choices: only a source or an amount
        # makes it a move.
        return any(
            str(self.data.get(self.add_prefix(name), "")).strip() for name in ("source", "amount")
        )

    def move(self):
        data = self.cleaned_data
        return change_rules.Move(
            parse_cell(data["source"]),
            (data["member"], data["category"], data["year"]),
            data["amount"],
        )


class BaseMoveFormSet(forms.BaseFormSet):
    def moves(self):
        return [(form, form.move()) for form in self.forms if form.has_changed()]


MoveFormSet = forms.formset_factory(MoveForm, formset=BaseMoveFormSet, extra=3, max_num=20)


class ReasonForm(forms.Form):
    reason = _reason_field(_("Reason for the change"))


class PiChangeForm(ReasonForm):
    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    email = forms.EmailField(label=_("New PI's e-mail address"))

    field_order = ["member", "email", "reason"]

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, m.institution.name) for m in members]


class PartnerChangeForm(ReasonForm):
    member = forms.TypedChoiceField(label=_("Partner to replace"), coerce=int)
    institution = forms.ModelChoiceField(
        label=_("New institution"), queryset=Institution.objects.select_related("province")
    )
    email = forms.EmailField(label=_("New institution's PI: e-mail address"))

    field_order = ["member", "institution", "email", "reason"]

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [
            (m.pk, m.institution.name) for m in members if not m.is_lead
        ]
        self.fields["institution"].label_from_instance = lambda i: f"{i.name} · {i.province.name}"


class ExtensionForm(ReasonForm):
    months = forms.IntegerField(
        label=_("Extension (months)"),
        min_value=1,
        max_value=change_rules.MAX_EXTENSION_MONTHS,
    )

    field_order = ["months", "reason"]


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Refuse"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (required when refusing)"),
        max_length=limits.SCREENING_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("approve") is False and not data.get("note", "").strip():
            self.add_error("note", _("Say why."))
        return data


class ConsentForm(DecisionForm):
    approve = forms.TypedChoiceField(
        label=_("Your province's answer"),
        choices=[("yes", _("Consent")), ("no", _("Refuse"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note (required when refusing)"), max_length=300, required=False)


class SuspendForm(forms.Form):
    reason = _reason_field()


class TerminateForm(forms.Form):
    """The reason, and per paying province what the project may keep of what it paid."""

    reason = _reason_field()

    def __init__(self, *args, paid, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.paid = paid
        for province in provinces:
            self.fields[f"kept_{province.code}"] = MoneyField(
                label=_("%(province)s: amount the project keeps") % {"province": province.name},
                required=False,
                help_text=_("Paid so far: %(paid)s. Leave empty to keep nothing.")
                % {"paid": format_yuan(paid.get(province.code, 0))},
            )

    def clean(self):
        data = super().clean()
        for code, amount in self.paid.items():
            kept = data.get(f"kept_{code}")
            if kept is not None and kept > amount:
                self.add_error(f"kept_{code}", _("More than the province has paid."))
        return data

    def kept(self):
        return {
            name.removeprefix("kept_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("kept_") and value is not None
        }
