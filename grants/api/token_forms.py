"""The form an officer fills in on their profile to make an API token."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django import forms
from django.utils.translation import gettext_lazy as _

from grants.api.tokens import DEFAULT_DAYS, MAX_DAYS
from grants.core.forms import DisplayTextField
from grants.models import TokenScope


def authenticator_app(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()


class TokenCreateForm(forms.Form):
    name = DisplayTextField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the token is for, e.g. “Jiangsu payments script”."),
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=TokenScope.choices, initial="read")
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.app = authenticator_app(user)
        if self.app is None:
            del self.fields["code"]

    def clean_code(self):
        # A token outlives the session it was made in: a second factor must vouch for it.
        code = self.cleaned_data["code"].strip()
        if not code:
            raise forms.ValidationError(_("Enter the code from your authenticator app."))
        if not TOTP(self.app).validate_code(code):
            raise forms.ValidationError(_("This code is wrong or has been used already."))
        return code

    def clean(self):
        cleaned = super().clean()
        if self.app is None and has_security_key(self.user):
            raise forms.ValidationError(
                _(
                    "Making a token needs a code from an authenticator app: add one under "
                    "two-factor authentication first."
                )
            )
        return cleaned


def has_security_key(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).exists()
