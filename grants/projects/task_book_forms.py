"""The task book's forms: a milestone, and the confirmation that signs a version."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.core import limits
from grants.core.forms import DisplayTextField
from grants.models import DeliverableKind, Milestone
from grants.projects.task_book import accepted_members, milestone_errors


class MilestoneForm(forms.ModelForm):
    title = DisplayTextField(label=_("Milestone or deliverable"), max_length=200)

    class Meta:
        model = Milestone
        fields = ["title", "kind", "due_month", "member", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["kind"].choices = DeliverableKind.choices
        self.fields["due_month"].widget.attrs.update(min=1, max=project.duration_months)
        self.fields["due_month"].help_text = _("From 1 to %(months)d.") % {
            "months": project.duration_months
        }
        self.fields["member"].queryset = accepted_members(project)
        self.fields["member"].label_from_instance = lambda m: (
            f"{m.institution.name} · {m.pi.name if m.pi_id else '—'}"
        )
        self.fields["description"].max_length = limits.MILESTONE_DESCRIPTION
        self.fields["description"].required = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("due_month") is not None:
            errors = milestone_errors(
                self.project, due_month=cleaned["due_month"], member=cleaned.get("member")
            )
            for field, message in errors.items():
                self.add_error(field, message)
        return cleaned

    def values(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SignForm(forms.Form):
    """One party's acceptance: the box the signer ticks. The party it signs for comes beside
    it (the page's hidden "party" field) and picks the form's prefix."""

    confirm = forms.BooleanField(
        required=True,
        error_messages={"required": _("Tick the box to confirm that you accept the task book.")},
    )

    def __init__(self, *args, version, party, party_label, **kwargs):
        super().__init__(*args, prefix=party.token.replace(":", "-"), **kwargs)
        self.party = party
        self.party_label = party_label
        self.fields["confirm"].label = _(
            "I have read the task book version %(version)d and accept it for %(party)s"
        ) % {"version": version, "party": party_label}
