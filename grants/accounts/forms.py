"""The forms of people's accounts: the profile, and asking for a missing institution."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.core.forms import DisplayTextField, split_keywords
from grants.models import Discipline, Institution, Province, User

MAX_PROFILE_KEYWORDS = 10


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


class InstitutionRequestForm(forms.Form):
    name_zh = DisplayTextField(label=_("Chinese name"), max_length=120)
    name_en = DisplayTextField(label=_("English name"), max_length=200, required=False)
    city = DisplayTextField(label=_("City"), max_length=80, required=False)
    province = forms.ModelChoiceField(label=_("Province"), queryset=Province.objects.all())
