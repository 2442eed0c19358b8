"""The forms of a report: its texts and attachment, a state per milestone due, the spending
per member and category, the outputs; and the fund office's decision on it."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from grants.core.forms import DateInput, DisplayTextField, MoneyField
from grants.core.widgets import FileInput, StoredFile
from grants.models import AwardCategory, MilestoneProgress, OutputKind, Report, Verdict
from grants.projects import report_rules
from grants.projects.report_workflow import ReportDraft

OUTPUT_PROBLEMS = {
    "doi_missing": _("Give the paper's DOI."),
    "doi_invalid": _("This is not a DOI: a DOI looks like 10.1234/abc-5678."),
    "partner_missing": _("Name the enterprise or partner."),
    "amount_missing": _("Give the amount in yuan."),
    "amount_not_applicable": _("An amount is given only for licences, trials and contracts."),
}
EXTRA_OUTPUTS = 2


class ReportPdfInput(FileInput):
    def stored_file(self, value):
        from django.urls import reverse

        report = value.instance
        return StoredFile(
            url=reverse("report_attachment", args=[report.pk]),
            name=report.attachment_name or "report.pdf",
        )


class ReportForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Report
        fields = ["progress", "collaboration", "transfer", "attachment"]
        widgets = {
            "progress": forms.Textarea(attrs={"rows": 8}),
            "collaboration": forms.Textarea(attrs={"rows": 5}),
            "transfer": forms.Textarea(attrs={"rows": 5}),
            "attachment": ReportPdfInput(attrs={"accept": "application/pdf"}),
        }
        help_texts = {
            "collaboration": _("Joint papers, shared instruments used, staff exchanges."),
            "transfer": _("Licences, “use first, transfer later” trials, contract income."),
            "attachment": _("Optional: one PDF with figures or annexes."),
        }

    def clean_attachment(self):
        from grants.core.uploads import check_pdf

        upload = self.cleaned_data.get("attachment")
        if upload and hasattr(upload, "content_type"):
            call = self.instance.project.proposal.call
            check_pdf(
                upload,
                max_bytes=call.attachment_max_mb * 1024 * 1024,
                max_pages=call.attachment_max_pages,
            )
        return upload


class FixedFormSet(forms.BaseFormSet):
    """One form per row the server lists (milestones, spending cells): the browser neither
    adds nor drops rows, whatever its management form says."""

    def __init__(self, *args, rows, **kwargs):
        self.rows = rows
        super().__init__(*args, **kwargs)

    def total_form_count(self):
        return len(self.rows)

    def initial_form_count(self):
        return len(self.rows)


class MilestoneStateForm(forms.Form):
    state = forms.ChoiceField(
        label=capfirst(_("state")),
        choices=[("", _("not given yet")), *MilestoneProgress.State.choices],
        required=False,
    )
    note = DisplayTextField(label=capfirst(_("note")), max_length=300, required=False)


class SpendingForm(forms.Form):
    amount = MoneyField(label=capfirst(_("spent (yuan)")), required=False)


class OutputForm(forms.Form):
    kind = forms.ChoiceField(label=capfirst(_("kind")), choices=[("", "—"), *OutputKind.choices])
    title = DisplayTextField(label=capfirst(_("title or description")), max_length=300)
    identifier = forms.CharField(
        label=capfirst(_("identifier (DOI, patent number, URL)")), max_length=200, required=False
    )
    partner = DisplayTextField(
        label=capfirst(_("enterprise or partner")), max_length=200, required=False
    )
    amount = MoneyField(label=capfirst(_("amount (yuan)")), required=False)
    members = forms.TypedMultipleChoiceField(
        label=capfirst(_("members involved")),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        # The consortium's members, listed once for every row (not a query per row).
        self.fields["members"].choices = members

    def clean(self):
        cleaned = super().clean()
        if "kind" not in cleaned:
            return cleaned
        identifier = cleaned.get("identifier", "").strip()
        problems = report_rules.output_problems(
            cleaned["kind"], identifier, cleaned.get("partner", ""), cleaned.get("amount")
        )
        for name, code in problems.items():
            if name not in self.errors:
                self.add_error(name, OUTPUT_PROBLEMS[code])
        if cleaned["kind"] in report_rules.PAPER_KINDS and not problems.get("identifier"):
            cleaned["identifier"] = report_rules.doi_normalise(identifier)
        return cleaned


OutputFormSet = forms.formset_factory(
    OutputForm, extra=EXTRA_OUTPUTS, can_delete=True, max_num=200, absolute_max=200
)
MilestoneFormSet = forms.formset_factory(MilestoneStateForm, formset=FixedFormSet, extra=0)
SpendingFormSet = forms.formset_factory(SpendingForm, formset=FixedFormSet, extra=0)


class ReportForms:
    """The report's form and its three formsets, bound together or not at all."""

    def __init__(self, report, *, milestones, members, data=None, files=None):
        self.report, self.milestones, self.members = report, milestones, members
        states = {p.milestone_id: p for p in report.milestone_progress.all()}
        spent = {(s.member_id, s.category): s.amount for s in report.spending.all()}
        self.cells = [(m, c) for m in members for c in AwardCategory]
        self.form = ReportForm(
            data, files, instance=report, initial={"version": report.version}, prefix="report"
        )
        self.milestone_forms = MilestoneFormSet(
            data,
            rows=milestones,
            prefix="milestones",
            initial=[
                {"state": states[m.pk].state, "note": states[m.pk].note} if m.pk in states else {}
                for m in milestones
            ],
        )
        self.spending_forms = SpendingFormSet(
            data,
            rows=self.cells,
            prefix="spending",
            initial=[{"amount": spent.get((m.pk, c.value))} for m, c in self.cells],
        )
        member_choices = [(m.pk, str(m.institution)) for m in members]
        self.output_forms = OutputFormSet(
            data,
            prefix="outputs",
            form_kwargs={"members": member_choices},
            initial=[
                {
                    "kind": o.kind,
                    "title": o.title,
                    "identifier": o.identifier,
                    "partner": o.partner,
                    "amount": o.amount,
                    "members": [m.pk for m in o.members.all()],
                }
                for o in report.outputs.prefetch_related("members")
            ],
        )

    def all(self):
        return [self.form, self.milestone_forms, self.spending_forms, self.output_forms]

    def is_valid(self):
        return all([part.is_valid() for part in self.all()])

    def milestone_rows(self):
        return list(zip(self.milestones, self.milestone_forms.forms, strict=True))

    def draft(self) -> ReportDraft:
        cleaned = self.form.cleaned_data
        return ReportDraft(
            progress=cleaned["progress"],
            collaboration=cleaned["collaboration"],
            transfer=cleaned["transfer"],
            attachment=cleaned.get("attachment"),
            version=cleaned["version"],
            states=[
                (m.pk, f.cleaned_data.get("state", ""), f.cleaned_data.get("note", ""))
                for m, f in self.milestone_rows()
            ],
            spending=[
                (member.pk, category.value, f.cleaned_data.get("amount"))
                for (member, category), f in zip(self.cells, self.spending_forms.forms, strict=True)
            ],
            outputs=[
                {
                    "kind": f.cleaned_data["kind"],
                    "title": f.cleaned_data["title"],
                    "identifier": f.cleaned_data.get("identifier", ""),
                    "partner": f.cleaned_data.get("partner", ""),
                    "amount": f.cleaned_data.get("amount"),
                    "members": list(f.cleaned_data.get("members") or ()),
                }
                for f in self.output_forms.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ],
        )


class MemberSpendingForms:
    """A partner PI's own spending in a report the lead is drafting: the cells of their
    member(s) only, with the report's version so a lead's later save is not overwritten."""

    def __init__(self, report, *, members, data=None):
        self.report, self.members = report, members
        spent = {(s.member_id, s.category): s.amount for s in report.spending.all()}
        self.cells = [(m, c) for m in members for c in AwardCategory]
        self.data = data
        self.spending_forms = SpendingFormSet(
            data,
            rows=self.cells,
            prefix="partner",
            initial=[{"amount": spent.get((m.pk, c.value))} for m, c in self.cells],
        )

    def is_valid(self):
        return self.spending_forms.is_valid()

    def posted_version(self):
        try:
            return int(self.data.get("partner-version", ""))
        except ValueError:
            return None

    def amounts(self):
        return [
            (member.pk, category.value, form.cleaned_data.get("amount"))
            for (member, category), form in zip(self.cells, self.spending_forms.forms, strict=True)
        ]


class ReportDecisionForm(forms.Form):
    """The fund office's decision on a submitted report."""

    ACCEPT, RETURN = "accept", "return"
    action = forms.ChoiceField(
        label=capfirst(_("decision")),
        choices=[(ACCEPT, _("Accept")), (RETURN, _("Return for revision"))],
        widget=forms.RadioSelect,
    )
    verdict = forms.ChoiceField(
        label=capfirst(_("final acceptance")), choices=[("", "—"), *Verdict.choices], required=False
    )
    new_due_on = forms.DateField(
        label=capfirst(_("new due date (deferred acceptance)")), required=False, widget=DateInput
    )
    reason = forms.CharField(
        label=capfirst(_("reason for returning")),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, final, **kwargs):
        super().__init__(*args, **kwargs)
        self.final = final
        if not final:
            del self.fields["verdict"], self.fields["new_due_on"]

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == self.RETURN and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the report is returned."))
        if action == self.ACCEPT and self.final:
            verdict = cleaned.get("verdict")
            if not verdict:
                self.add_error("verdict", _("Choose the final acceptance verdict."))
            elif verdict == Verdict.DEFERRED and not cleaned.get("new_due_on"):
                self.add_error("new_due_on", _("Give the new due date of the final report."))
        return cleaned


class ExpertAssignForm(forms.Form):
    """The fund office sends a final report to an expert of the reviewer pool."""

    email = forms.EmailField(label=capfirst(_("expert's e-mail address")))


class ExpertReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        label=capfirst(_("recommendation")), choices=Verdict.choices, widget=forms.RadioSelect
    )
    comments = forms.CharField(
        label=capfirst(_("comments")), widget=forms.Textarea(attrs={"rows": 8}), max_length=5000
    )
