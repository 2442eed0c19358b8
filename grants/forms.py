from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from grants.core import limits, money
from grants.core.validators import display_text
from grants.core.widgets import FileInput, StoredFile
from grants.models import (
    AvoidedExpert,
    BudgetCategory,
    Call,
    Discipline,
    FundingModel,
    Institution,
    OtherFunding,
    Proposal,
    Province,
    User,
)
from grants.proposals import budget

MAX_PROFILE_KEYWORDS = 10


class MoneyField(forms.DecimalField):
    """An amount in yuan, read by grants.core.money.parse_amount: plain digits with grouping commas,
    full-width or not; never 1E+5 or 1_000, which Decimal() alone would take."""

    default_error_messages = {
        money.AMOUNT_NOT_A_NUMBER: _("Enter an amount in yuan in digits, e.g. 12,000.50."),
        money.AMOUNT_NEGATIVE: _("The amount cannot be negative."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "class": "amount"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return money.parse_amount(str(value))
        except money.AmountError as error:
            raise forms.ValidationError(self.error_messages[error.code], code=error.code) from error


class DisplayTextField(forms.CharField):
    """A name or title users type and others see in lists and PDFs: cleaned by
    grants.core.validators.display_text before any other check, so a title of nothing but
    invisible characters counts as empty."""

    def to_python(self, value):
        return display_text(super().to_python(value))


def split_keywords(text):
    """Keywords arrive separated by commas (Latin or Chinese) or semicolons."""
    for separator in ("，", "；", ";", "、"):
        text = text.replace(separator, ",")
    return [word.strip() for word in text.split(",") if word.strip()]


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "institution", "title", "orcid", "disciplines", "keywords"]
        field_classes = {"name": DisplayTextField, "title": DisplayTextField}
        widgets = {"disciplines": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "institution", "title"):
            self.fields[name].required = True
        self.fields["institution"].queryset = Institution.objects.select_related("province")
        self.fields["institution"].label_from_instance = lambda i: f"{i.name} · {i.province.name}"
        self.fields["disciplines"].queryset = Discipline.objects.all()
        self.fields["institution"].help_text = _(
            "Your institution fixes your province. Missing? Write to the fund office."
        )

    def clean_orcid(self):
        return self.cleaned_data["orcid"].strip().upper()

    def clean_keywords(self):
        words = split_keywords(self.cleaned_data["keywords"])
        if len(words) > MAX_PROFILE_KEYWORDS:
            raise forms.ValidationError(
                _("Give at most %(count)d keywords.") % {"count": MAX_PROFILE_KEYWORDS}
            )
        return ", ".join(words)


# ---- proposals ------------------------------------------------------------------------------


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

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(range(1, years + 1))
        for category, label in BudgetCategory.choices:
            for year in self.years:
                self.fields[self.cell_name(category, year)] = forms.CharField(
                    label=_("%(category)s, year %(year)d") % {"category": label, "year": year},
                    required=False,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "amount"}),
                )

    @staticmethod
    def cell_name(category, year):
        return f"cell-{category}-{year}"

    @classmethod
    def initial_for(cls, member):
        return {
            cls.cell_name(line.category, line.year): line.amount
            for line in member.budget_lines.all()
        }

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


class InstitutionRequestForm(forms.Form):
    name_zh = DisplayTextField(label=_("Chinese name"), max_length=120)
    name_en = DisplayTextField(label=_("English name"), max_length=200, required=False)
    city = DisplayTextField(label=_("City"), max_length=80, required=False)
    province = forms.ModelChoiceField(label=_("Province"), queryset=Province.objects.all())


# ---- the fund office ------------------------------------------------------------------------

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# Codes the office's URLs use for pages of their own.
RESERVED_CALL_CODES = {"new"}


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker. Django reads the value in the current time zone
    (Asia/Shanghai) and shows stored times converted back to it."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_LOCAL)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def funding_provinces():
    return list(Province.objects.filter(is_funding=True).order_by("code"))


class CallForm(forms.ModelForm):
    """Every rule of a call plus what each funding province puts in. Defaults come from the
    model; a draft may leave contributions and discipline areas empty, but cannot open so."""

    class Meta:
        model = Call
        fields = [
            "year",
            "code",
            "title_zh",
            "title_en",
            "summary_zh",
            "summary_en",
            "discipline_areas",
            "opens_at",
            "closes_at",
            "review_deadline",
            "panel_date",
            "decision_date",
            "min_provinces",
            "min_institutions",
            "max_institutions",
            "allow_unfunded_partners",
            "max_led_per_pi",
            "max_participations_per_pi",
            "min_duration_months",
            "max_duration_months",
            "narrative_pdf_required",
            "attachment_max_mb",
            "attachment_max_pages",
            "max_direct_total",
            "max_direct_per_year",
            "max_equipment_share",
            "funding_model",
            "balancing_share",
            "reviewers_per_proposal",
            "reviewer_min_load",
            "reviewer_max_load",
            "province_rule",
            "overall_threshold",
            "panel_min_provinces",
            "panel_max_province_share",
            "provincial_confirmation_required",
        ]
        field_classes = {
            "title_zh": DisplayTextField,
            "title_en": DisplayTextField,
            "max_direct_total": MoneyField,
            "max_direct_per_year": MoneyField,
        }
        widgets = {
            "summary_zh": forms.Textarea(attrs={"rows": 4}),
            "summary_en": forms.Textarea(attrs={"rows": 4}),
            "discipline_areas": forms.SelectMultiple(attrs={"size": 12}),
            "opens_at": DateTimeLocalInput,
            "closes_at": DateTimeLocalInput,
            "review_deadline": DateTimeLocalInput,
            "panel_date": DateInput,
            "decision_date": DateInput,
            "funding_model": forms.RadioSelect,
            "province_rule": forms.RadioSelect,
        }
        help_texts = {
            "opens_at": _("Beijing time. The call opens on its own at this moment."),
            "closes_at": _("Beijing time. NSFC closes at 16:00 on the last day."),
            "discipline_areas": _(
                "A department letter covers all its codes. Hold Ctrl to pick several."
            ),
            "max_equipment_share": _("A fraction: 0.40 means 40%."),
            "balancing_share": _(
                "Only for the mixed model: the fraction of each contribution kept in the balancing pot."
            ),
            "panel_max_province_share": _("A fraction: 0.40 means 40%."),
        }

    CONTRIBUTION_PREFIX = "contribution_"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.provinces = funding_provinces()
        self.fields["discipline_areas"].queryset = Discipline.objects.all()
        self.fields["discipline_areas"].label_from_instance = str
        if self.instance.pk is None:
            self.fields["year"].initial = timezone.localdate().year
        existing = (
            {c.province_id: c.amount for c in self.instance.contributions.all()}
            if self.instance.pk
            else {}
        )
        for province in self.provinces:
            name = self.contribution_field(province.code)
            self.fields[name] = MoneyField(
                label=_("Contribution of %(province)s (yuan)") % {"province": province.name},
                required=False,
                initial=existing.get(province.code),
            )

    @classmethod
    def contribution_field(cls, province_code):
        return f"{cls.CONTRIBUTION_PREFIX}{province_code}"

    def contribution_fields(self):
        return [self[self.contribution_field(province.code)] for province in self.provinces]

    def clean_code(self):
        code = self.cleaned_data["code"]
        if code in RESERVED_CALL_CODES:
            raise forms.ValidationError(_("This code is reserved: choose another."))
        return code

    def clean(self):
        cleaned = super().clean()
        for check in (
            self._check_schedule,
            self._check_eligibility,
            self._check_budget,
            self._check_funding,
            self._check_review,
        ):
            check(cleaned)
        return cleaned

    def _before(self, cleaned, earlier, later, message):
        """Error on ``later`` unless it comes after ``earlier`` (both given)."""
        first, second = cleaned.get(earlier), cleaned.get(later)
        if first is None or second is None:
            return
        if hasattr(first, "hour") and not hasattr(second, "hour"):
            first = timezone.localtime(first).date()
            if second < first:
                self.add_error(later, message)
        elif second <= first:
            self.add_error(later, message)

    def _check_schedule(self, cleaned):
        self._before(
            cleaned, "opens_at", "closes_at", _("The deadline must come after the opening.")
        )
        self._before(
            cleaned,
            "closes_at",
            "review_deadline",
            _("Reviews can only be due after the call closes."),
        )
        self._before(
            cleaned, "closes_at", "panel_date", _("The panel can only meet after the call closes.")
        )
        self._before(
            cleaned,
            "review_deadline",
            "panel_date",
            _("The panel meets on or after the review deadline."),
        )
        self._before(
            cleaned,
            "closes_at",
            "decision_date",
            _("The decision can only come after the call closes."),
        )
        panel, decision = cleaned.get("panel_date"), cleaned.get("decision_date")
        if panel and decision and decision < panel:
            self.add_error("decision_date", _("The decision comes on or after the panel."))

    def _check_eligibility(self, cleaned):
        low, high = cleaned.get("min_institutions"), cleaned.get("max_institutions")
        if low is not None and high is not None and high < low:
            self.add_error("max_institutions", _("At least the minimum number of institutions."))
        provinces = cleaned.get("min_provinces")
        if provinces is not None:
            if provinces > len(self.provinces):
                self.add_error(
                    "min_provinces",
                    _("There are only %(count)d funding provinces.")
                    % {"count": len(self.provinces)},
                )
            elif high is not None and provinces > high:
                self.add_error(
                    "min_provinces",
                    _("A consortium cannot span more provinces than it has institutions."),
                )
        led, part = cleaned.get("max_led_per_pi"), cleaned.get("max_participations_per_pi")
        if led is not None and part is not None and part < led:
            self.add_error(
                "max_participations_per_pi",
                _("Leading a proposal counts as taking part: at least the number a PI may lead."),
            )
        short, long = cleaned.get("min_duration_months"), cleaned.get("max_duration_months")
        if short is not None and long is not None and long < short:
            self.add_error("max_duration_months", _("At least the shortest duration."))

    def _check_budget(self, cleaned):
        total, per_year = cleaned.get("max_direct_total"), cleaned.get("max_direct_per_year")
        if total is not None and per_year is not None and per_year > total:
            self.add_error(
                "max_direct_per_year", _("The cap per year cannot exceed the cap on the whole.")
            )

    def _check_funding(self, cleaned):
        model, share = cleaned.get("funding_model"), cleaned.get("balancing_share")
        if model is None or share is None:
            return
        if model == FundingModel.MIXED and share <= 0:
            self.add_error("balancing_share", _("The mixed model needs a balancing share above 0."))
        elif model != FundingModel.MIXED and share > 0:
            self.add_error("balancing_share", _("Only the mixed model has a balancing share."))

    def _check_review(self, cleaned):
        low, high = cleaned.get("reviewer_min_load"), cleaned.get("reviewer_max_load")
        if low is not None and high is not None and high < low:
            self.add_error("reviewer_max_load", _("At least the fewest proposals per reviewer."))
        threshold = cleaned.get("overall_threshold")
        if threshold is not None and not 0 <= threshold <= 5:
            self.add_error("overall_threshold", _("Scores run from 0 to 5."))
        share = cleaned.get("panel_max_province_share")
        if share is not None and not 0 < share <= 1:
            self.add_error("panel_max_province_share", _("A fraction above 0 and at most 1."))

    def call_fields(self):
        """The call's own fields, for grants.workflow.call_create and call_update."""
        return {
            name: self.cleaned_data[name]
            for name in self._meta.fields
            if name != "discipline_areas"
        }

    def contributions(self):
        return {
            province.code: self.cleaned_data.get(self.contribution_field(province.code))
            for province in self.provinces
        }


class DeadlineExtensionForm(forms.Form):
    closes_at = forms.DateTimeField(
        label=_("New deadline"),
        widget=DateTimeLocalInput,
        help_text=_("Beijing time. Later than now and than the present deadline."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=limits.DEADLINE_EXTENSION_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the lead PIs of every draft in the call."),
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call

    def clean_closes_at(self):
        closes_at = self.cleaned_data["closes_at"]
        if closes_at <= self.call.closes_at:
            raise forms.ValidationError(_("The new deadline must be later than the present one."))
        if closes_at <= timezone.now():
            raise forms.ValidationError(_("The new deadline must be in the future."))
        return closes_at


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
