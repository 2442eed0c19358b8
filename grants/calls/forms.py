"""The fund office's forms of a call: its rules, and extending an open call's deadline."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.core import limits
from grants.core.forms import DateInput, DateTimeLocalInput, DisplayTextField, MoneyField
from grants.models import Call, Discipline, FundingModel, Province

# Codes the office's URLs use for pages of their own.
RESERVED_CALL_CODES = {"new"}


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
            "draw_at_funding_line",
            "reviewers_per_proposal",
            "reviewer_min_load",
            "reviewer_max_load",
            "province_rule",
            "coauthorship_years",
            "overall_threshold",
            "panel_min_provinces",
            "panel_max_province_share",
            "provincial_confirmation_required",
            "open_data",
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
            "coauthorship_years": _(
                "A reviewer who shared a publication with a consortium member in this many "
                "years before the call closes may not review the proposal."
            ),
            "balancing_share": _(
                "Only for the mixed model: the fraction of each contribution kept in the balancing pot."
            ),
            "panel_max_province_share": _("A fraction: 0.40 means 40%."),
            "draw_at_funding_line": _(
                "When the calibrated ranking cannot say which of the proposals around the funding "
                "line is better (with 90 per cent confidence, each could rank on either side of "
                "it), their places are filled in the order of a draw, with a seed fixed in "
                "advance and a witness."
            ),
            "open_data": _(
                "When ticked, once the call is decided and its letters have gone out, anyone can "
                "see its funded projects on the public open-data page: titles, institutions, "
                "provinces, discipline, amounts, years and abstracts. Never people's contact "
                "details, reviews or proposals that were not funded."
            ),
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
        """The call's own fields, for grants.calls.call_workflow.call_create and call_update."""
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
