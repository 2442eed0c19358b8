"""The forms of a proposal: its draft, consortium, budget and team, and the fund office's
screening and return for correction."""

from decimal import Decimal

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from grants.core import limits
from grants.core.forms import DisplayTextField, split_keywords
from grants.core.widgets import FileInput, StoredFile
from grants.models import (
    AvoidedExpert,
    BudgetCategory,
    Discipline,
    Institution,
    OtherFunding,
    Proposal,
)
from grants.proposals import budget


class DisciplineCodeField(forms.CharField):
    """A searchable code picker that needs no JavaScript: a text box with the whole hierarchy
    offered as a datalist; the browser filters it as the user types "F06" or "模式识别"."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"list": "discipline-codes", "autocomplete": "off"})

    def prepare_value(self, value):
        if isinstance(value, Discipline):
            return str(value)
        if value and " " not in str(value):  # a bare code from the instance: show its name too
            discipline = Discipline.objects.filter(pk=str(value).upper()).first()
            return str(discipline) if discipline else value
        return value

    def to_python(self, value):
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        code = text.split()[0].upper()
        discipline = Discipline.objects.filter(code=code).first()
        if discipline is None:
            raise forms.ValidationError(
                _("%(code)s is not an NSFC code we know. Pick one from the list.") % {"code": code}
            )
        return discipline


class NarrativePdfInput(FileInput):
    """Links the stored PDF through its permission-checked download page, under the name it
    was uploaded with: whoever edits the proposal may download it."""

    def stored_file(self, value):
        from django.urls import reverse

        proposal = value.instance
        return StoredFile(
            url=reverse("narrative_download", args=[proposal.pk]),
            name=proposal.narrative_pdf_name or "narrative.pdf",
        )


class ProposalForm(forms.ModelForm):
    """Every field of a draft is optional: a draft saves with whatever the user has so far;
    the eligibility checklist says what is still missing."""

    primary_code = DisciplineCodeField(label=_("Primary discipline code"))
    secondary_code = DisciplineCodeField(label=_("Secondary discipline code"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Proposal
        fields = [
            "title_zh",
            "title_en",
            "primary_code",
            "secondary_code",
            "keywords",
            "abstract_zh",
            "abstract_en",
            "duration_months",
            "industry_problem",
            "partner_enterprise",
            "section_rationale",
            "section_basis",
            "section_other",
            "narrative_pdf",
            "other_funding",
            "other_funding_details",
        ]
        field_classes = {
            "title_zh": DisplayTextField,
            "title_en": DisplayTextField,
            "partner_enterprise": DisplayTextField,
        }
        widgets = {
            "abstract_zh": forms.Textarea(attrs={"rows": 6}),
            "abstract_en": forms.Textarea(attrs={"rows": 6}),
            "industry_problem": forms.Textarea(attrs={"rows": 4}),
            "section_rationale": forms.Textarea(attrs={"rows": 12}),
            "section_basis": forms.Textarea(attrs={"rows": 8}),
            "section_other": forms.Textarea(attrs={"rows": 4}),
            "other_funding": forms.RadioSelect,
            "other_funding_details": forms.Textarea(attrs={"rows": 3}),
            "narrative_pdf": NarrativePdfInput(attrs={"accept": "application/pdf"}),
        }
        help_texts = {
            "keywords": _("3 to 5 keywords, separated by commas."),
            "abstract_zh": _("At most 400 characters."),
            "duration_months": _("In months, within the call's range."),
            "industry_problem": _("Which industrial problem the research addresses."),
            "narrative_pdf": _("One PDF instead of, or besides, the text sections."),
        }

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["other_funding"].choices = OtherFunding.choices
        self.fields["other_funding"].required = False
        self.fields["duration_months"].widget.attrs.update(
            {"min": call.min_duration_months, "max": call.max_duration_months}
        )

    def clean_keywords(self):
        return ", ".join(split_keywords(self.cleaned_data["keywords"]))

    def clean_duration_months(self):
        months = self.cleaned_data["duration_months"]
        if months is not None and not 1 <= months <= 120:
            raise forms.ValidationError(_("Give the duration in months, between 1 and 120."))
        return months

    def clean_narrative_pdf(self):
        from grants.core.uploads import check_pdf

        upload = self.cleaned_data.get("narrative_pdf")
        if upload and hasattr(upload, "content_type"):
            check_pdf(
                upload,
                max_bytes=self.call.attachment_max_mb * 1024 * 1024,
                max_pages=self.call.attachment_max_pages,
            )
        return upload


class AvoidedExpertsForm(forms.Form):
    """Up to three experts the applicants ask the fund not to use."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, AvoidedExpert.MAX_PER_PROPOSAL + 1):
            self.fields[f"avoid_{number}_name"] = DisplayTextField(
                label=_("Expert %(n)d: name") % {"n": number}, max_length=100, required=False
            )
            self.fields[f"avoid_{number}_institution"] = DisplayTextField(
                label=_("Expert %(n)d: institution") % {"n": number}, max_length=200, required=False
            )

    @classmethod
    def initial_for(cls, proposal):
        initial = {}
        for number, expert in enumerate(
            proposal.avoided_experts.all()[: AvoidedExpert.MAX_PER_PROPOSAL], 1
        ):
            initial[f"avoid_{number}_name"] = expert.name
            initial[f"avoid_{number}_institution"] = expert.institution
        return initial

    def clean(self):
        cleaned = super().clean()
        for number in range(1, AvoidedExpert.MAX_PER_PROPOSAL + 1):
            if cleaned.get(f"avoid_{number}_institution") and not cleaned.get(
                f"avoid_{number}_name"
            ):
                self.add_error(f"avoid_{number}_name", _("Name the expert to avoid."))
        return cleaned

    def experts(self):
        return [
            {
                "name": self.cleaned_data[f"avoid_{n}_name"],
                "institution": self.cleaned_data[f"avoid_{n}_institution"],
            }
            for n in range(1, AvoidedExpert.MAX_PER_PROPOSAL + 1)
            if self.cleaned_data.get(f"avoid_{n}_name")
        ]


class MemberAddForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Partner institution"), queryset=Institution.objects.select_related("province")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].label_from_instance = lambda i: f"{i.name} · {i.province.name}"


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Partner PI's e-mail address"))


class BudgetForm(forms.Form):
    """One member's direct costs: a category × year grid, in yuan."""

    def __init__(self, *args, years, threshold=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(range(1, years + 1))
        self.threshold = threshold
        for category, label in BudgetCategory.choices:
            for year in self.years:
                self.fields[self.cell_name(category, year)] = forms.CharField(
                    label=_("%(category)s, year %(year)d") % {"category": label, "year": year},
                    required=False,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "amount"}),
                )
        # What an equipment line above the call's instrument threshold buys, and why a likely
        # match in the shared large-instrument catalogue cannot serve (grants.proposals.instrument_rules).
        for year in self.years:
            self.fields[f"instrument-{year}"] = DisplayTextField(
                label=_("Instrument to buy, year %(year)d") % {"year": year},
                required=False,
                max_length=200,
            )
            self.fields[f"reason-{year}"] = forms.CharField(
                label=_("Why the shared instrument cannot serve, year %(year)d") % {"year": year},
                required=False,
                max_length=limits.SHARED_INSTRUMENT_REASON,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @staticmethod
    def cell_name(category, year):
        return f"cell-{category}-{year}"

    @classmethod
    def initial_for(cls, member):
        initial = {}
        for line in member.budget_lines.all():
            initial[cls.cell_name(line.category, line.year)] = line.amount
            if line.category == BudgetCategory.EQUIPMENT:
                initial[f"instrument-{line.year}"] = line.instrument
                initial[f"reason-{line.year}"] = line.shared_instrument_reason
        return initial

    def instruments(self):
        """{year: (instrument, reason)} of the equipment lines, as typed."""
        return {
            year: (
                (self.cleaned_data.get(f"instrument-{year}") or "").strip(),
                (self.cleaned_data.get(f"reason-{year}") or "").strip(),
            )
            for year in self.years
        }

    def _equipment(self, year):
        name = self.cell_name(BudgetCategory.EQUIPMENT, year)
        typed = self.data.get(name) if self.is_bound else self.initial.get(name)
        if typed in (None, "") or budget.validate_amount(typed):
            return Decimal("0")
        return budget.read_amount(typed)

    def instrument_rows(self):
        """The equipment lines that name their instrument: those above the call's threshold,
        and any whose instrument or reason already has text (so nothing typed is lost)."""
        rows = []
        for year in self.years:
            amount, instrument, reason = (
                self._equipment(year),
                self[f"instrument-{year}"],
                self[f"reason-{year}"],
            )
            needed = self.threshold is not None and amount > self.threshold
            if needed or (instrument.value() or "").strip() or (reason.value() or "").strip():
                rows.append(
                    {
                        "year": year,
                        "amount": amount,
                        "needed": needed,
                        "instrument": instrument,
                        "reason": reason,
                    }
                )
        return rows

    def clean(self):
        cleaned = super().clean()
        for name in list(cleaned):
            if not name.startswith("cell-"):
                continue
            typed = cleaned[name] or ""
            if not typed.strip():
                cleaned[name] = Decimal("0")
                continue
            error = budget.validate_amount(typed)
            if error:
                zh, en = budget.AMOUNT_ERROR_MESSAGES[error]
                self.add_error(name, zh if _is_chinese() else en)
            else:
                cleaned[name] = budget.read_amount(typed)
        return cleaned

    def cells(self):
        return {
            (category, year): self.cleaned_data[self.cell_name(category, year)]
            for category in BudgetCategory.values
            for year in self.years
        }

    def grid(self):
        """Rows of bound fields for the template: one row per category."""
        return [
            (label, [self[self.cell_name(category, year)] for year in self.years])
            for category, label in BudgetCategory.choices
        ]


class TeamRowForm(forms.Form):
    name = DisplayTextField(label=_("Name"), max_length=100)
    role = DisplayTextField(label=_("Role in the project"), max_length=100, required=False)
    person_months = forms.DecimalField(
        label=_("Person-months"),
        max_digits=5,
        decimal_places=1,
        min_value=Decimal("0"),
        max_value=Decimal("600"),
    )


TeamFormSet = forms.formset_factory(TeamRowForm, extra=2, max_num=30, validate_max=True)


def _is_chinese():
    return (get_language() or "zh").startswith("zh")


class ScreeningForm(forms.Form):
    ELIGIBLE, INELIGIBLE = "eligible", "ineligible"

    decision = forms.ChoiceField(
        choices=[(ELIGIBLE, _("Eligible")), (INELIGIBLE, _("Ineligible"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason for ineligibility"),
        required=False,
        max_length=limits.SCREENING_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed to mark the proposal ineligible; e-mailed to every PI of the consortium."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.INELIGIBLE and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the reason why the proposal is ineligible."))
        return cleaned


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("What to correct"),
        max_length=limits.RETURN_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E-mailed to every PI of the consortium."),
    )
