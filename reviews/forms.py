from decimal import Decimal

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from grants.core import limits
from grants.core.forms import DisplayTextField
from reviews import scoring
from reviews.models import Advice, ConflictKind, Rating

NOT_APPLICABLE = "na"
SCORE_CHOICES = (
    [("", _("— choose —"))]
    + [(str(Decimal(half) / 2), str(Decimal(half) / 2)) for half in range(0, 11)]
    + [(NOT_APPLICABLE, _("n/a (not applicable)"))]
)


class ReviewForm(forms.Form):
    """Scores per criterion with a justification, comments, and NSFC's rating and advice.
    A draft saves with anything filled in; submitting requires the whole review."""

    comments_for_applicants = forms.CharField(
        label=_("Comments for the applicants"),
        max_length=limits.REVIEW_COMMENTS_FOR_APPLICANTS,
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("Sent to the applicants without your name."),
    )
    confidential_comments = forms.CharField(
        label=_("Confidential comments for the fund office"),
        max_length=limits.REVIEW_CONFIDENTIAL_COMMENTS,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    rating = forms.ChoiceField(
        label=_("Overall rating"), choices=[("", "—")] + Rating.choices, required=False
    )
    advice = forms.ChoiceField(
        label=_("Funding advice"), choices=[("", "—")] + Advice.choices, required=False
    )

    def __init__(self, *args, criteria, submitting=False, read_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.submitting = submitting
        self._add_criterion_fields(criteria)
        if read_only:  # a closed review is shown as it stands; what is posted is ignored
            for field in self.fields.values():
                field.disabled = True

    def _add_criterion_fields(self, criteria):
        for criterion in criteria:
            self.fields[f"score_{criterion.key}"] = forms.ChoiceField(
                label=_("%(criterion)s: score") % {"criterion": criterion.name},
                choices=SCORE_CHOICES,
                required=False,
                help_text=_("0 to 5 in half points; weight %(weight)s")
                % {"weight": criterion.weight},
            )
            self.fields[f"why_{criterion.key}"] = forms.CharField(
                label=_("%(criterion)s: justification") % {"criterion": criterion.name},
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=limits.REVIEW_JUSTIFICATION,
            )

    @classmethod
    def initial_for(cls, review):
        if review is None:
            return {}
        initial = {
            "comments_for_applicants": review.comments_for_applicants,
            "confidential_comments": review.confidential_comments,
            "rating": review.rating,
            "advice": review.advice,
        }
        for key, value in review.scores.items():
            initial[f"score_{key}"] = NOT_APPLICABLE if value is None else value
        for key, value in review.justifications.items():
            initial[f"why_{key}"] = value
        return initial

    def criterion_rows(self):
        return [(c, self[f"score_{c.key}"], self[f"why_{c.key}"]) for c in self.criteria]

    def clean(self):
        cleaned = super().clean()
        if not self.submitting:
            return cleaned
        for criterion in self.criteria:
            if not cleaned.get(f"score_{criterion.key}"):
                self.add_error(f"score_{criterion.key}", _("Give a score, or n/a."))
            elif not cleaned.get(f"why_{criterion.key}", "").strip():
                self.add_error(f"why_{criterion.key}", _("Justify the score in a sentence or two."))
        if not cleaned.get("comments_for_applicants", "").strip():
            self.add_error("comments_for_applicants", _("Write your comments for the applicants."))
        rating, advice = cleaned.get("rating"), cleaned.get("advice")
        if not rating:
            self.add_error("rating", _("Choose an overall rating."))
        if not advice:
            self.add_error("advice", _("Choose your funding advice."))
        if rating and advice:
            error = scoring.rating_advice_error(rating, advice)
            if error:
                self.add_error(
                    "advice", error[0] if (get_language() or "zh").startswith("zh") else error[1]
                )
        return cleaned

    def review_data(self):
        cleaned = self.cleaned_data
        scores, why = {}, {}
        for criterion in self.criteria:
            value = cleaned.get(f"score_{criterion.key}")
            if value:
                scores[criterion.key] = None if value == NOT_APPLICABLE else value
            why[criterion.key] = cleaned.get(f"why_{criterion.key}", "")
        return {
            "scores": scores,
            "justifications": why,
            "comments_for_applicants": cleaned.get("comments_for_applicants", ""),
            "confidential_comments": cleaned.get("confidential_comments", ""),
            "rating": cleaned.get("rating", ""),
            "advice": cleaned.get("advice", ""),
        }


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you decline"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say briefly why you decline.")},
    )


class ConflictForm(forms.Form):
    # No kind is preselected: the reviewer says which one it is.
    kind = forms.ChoiceField(
        label=_("Kind of conflict"),
        choices=[("", _("— choose —")), *ConflictKind.choices],
        error_messages={"required": _("Choose the kind of conflict.")},
    )
    note = forms.CharField(
        label=_("Details"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AcceptForm(forms.Form):
    no_conflict = forms.BooleanField(
        label=_(
            "I declare that I have no conflict of interest with the applicants of this proposal "
            "(no relative, recent co-author or collaborator, supervisor or student among them)."
        ),
    )


class PanelForm(forms.Form):
    name = DisplayTextField(label=_("Name"), max_length=120)
    area = forms.ModelChoiceField(label=_("Discipline area"), queryset=None)
    chair = forms.ModelChoiceField(label=_("Chair"), queryset=None)
    members = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=None, widget=forms.SelectMultiple(attrs={"size": 10})
    )

    def __init__(self, *args, call, **kwargs):
        from grants.models import Role, User

        super().__init__(*args, **kwargs)
        experts = (
            User.objects.filter(role_grants__role__in=[Role.REVIEWER, Role.PANEL_CHAIR])
            .distinct()
            .select_related("institution__province")
        )
        self.fields["area"].queryset = call.discipline_areas.all()
        self.fields["chair"].queryset = User.objects.filter(role_grants__role=Role.PANEL_CHAIR)
        self.fields["members"].queryset = experts
        self.fields["members"].label_from_instance = lambda u: (
            f"{u.name} · {u.institution} · {u.province}"
        )


class ConsensusForm(forms.Form):
    # reviews.scoring takes scores as Decimals only; the choices are its half points.
    score = forms.TypedChoiceField(
        label=_("Consensus score"), choices=SCORE_CHOICES[:-1], coerce=Decimal
    )
    comment = forms.CharField(
        label=_("Consensus comment"),
        max_length=limits.PANEL_CONSENSUS_COMMENT,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class RunForm(forms.Form):
    """How the officer wants the assignment computed."""

    PLAIN, FAIR, RANDOMIZED = "plain", "fair", "randomized"
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=[
            (PLAIN, _("Best total affinity")),
            (FAIR, _("Fairness mode: first raise the weakest proposal, then the total")),
            (
                RANDOMIZED,
                _(
                    "Randomized against collusion: no reviewer has more than a set chance of any one proposal"
                ),
            ),
        ],
        initial=PLAIN,
        required=False,  # sent without one, the plain mode
        widget=forms.RadioSelect,
    )
    cap = forms.DecimalField(
        label=_("Largest chance of any reviewer for any one proposal"),
        min_value=Decimal("0.05"),
        max_value=Decimal("1"),
        max_digits=3,
        decimal_places=2,
        initial=Decimal("0.50"),
        required=False,
        help_text=_(
            "From 0.05 to 1. At 0.5 a reviewer who wants a friend's proposal gets it at most "
            "half the time, so arranging a review costs a bidder their certainty; the page then "
            "shows how much expected affinity the cap costs against the best assignment."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        cleaned["mode"] = cleaned.get("mode") or self.PLAIN
        if cleaned["mode"] == self.RANDOMIZED and cleaned.get("cap") is None:
            self.add_error("cap", _("Give the largest chance, from 0.05 to 1."))
        return cleaned


class PairForm(forms.Form):
    proposal = forms.IntegerField(label=_("Proposal"), widget=forms.Select)
    reviewer = forms.IntegerField(label=_("Reviewer"), widget=forms.Select)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the review is reopened"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log with your name."),
    )
