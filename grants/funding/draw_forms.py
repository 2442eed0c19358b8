"""The forms of the draw at the funding line (grants.funding.draws)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.core import limits
from grants.models import Role, User


class SeedForm(forms.Form):
    seed = forms.CharField(
        label=_("Seed"),
        max_length=64,
        required=False,
        help_text=_(
            "Type a seed agreed in advance (for example a number announced before the panel), "
            "or leave it empty and the portal draws one. It cannot be changed afterwards."
        ),
    )


class WitnessForm(forms.Form):
    witness = forms.ModelChoiceField(
        label=_("Fund officer witnessing"), queryset=User.objects.none(), required=False
    )
    witness_name = forms.CharField(
        label=_("Or an external witness"),
        max_length=200,
        required=False,
        help_text=_(
            "Name and affiliation, for example a notary or a member of a province's office."
        ),
    )

    def __init__(self, *args, user, seed_fixed_by=None, **kwargs):
        super().__init__(*args, **kwargs)
        excluded = {user.pk, getattr(seed_fixed_by, "pk", None)}
        self.fields["witness"].queryset = (
            User.objects.filter(role_grants__role=Role.FUND_OFFICER)
            .exclude(pk__in=excluded - {None})
            .distinct()
            .order_by("name", "email")
        )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("witness")) == bool(cleaned.get("witness_name", "").strip()):
            self.add_error(
                "witness", _("Choose a fund officer or name an external witness, one of the two.")
            )
        return cleaned


class AnnulForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the draw is annulled"),
        max_length=limits.DRAW_ANNUL_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
