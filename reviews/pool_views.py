"""The reviewer pool's pages: the fund office's list with invitations and the CSV import,
the page an invited expert lands on, and a reviewer's own settings."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grants.accounts.permissions import has_role, role_required
from grants.core.errors import WorkflowError
from grants.core.forms import DateInput, DisplayTextField
from grants.core.view_helpers import invitation_landing, login_required_keeping_post, workflow_step
from grants.core.widgets import FileInput
from grants.models import Institution, Role
from reviews import pool, pool_import
from reviews.models import ExpertInvitation, ReviewerProfile

PAGE_SIZE = 50
RECENT_INVITATIONS = 30


# ---- forms --------------------------------------------------------------------------------


class ExpertInvitationForm(forms.Form):
    name = DisplayTextField(label=gettext_lazy("Expert's name"), max_length=100)
    email = forms.EmailField(label=gettext_lazy("E-mail address"))
    institution = forms.ModelChoiceField(
        label=gettext_lazy("Institution"),
        queryset=Institution.objects.select_related("province"),
        required=False,
        help_text=gettext_lazy("Optional; the expert confirms it in their profile."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].label_from_instance = lambda i: f"{i.name} · {i.province.name}"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        widget=FileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=gettext_lazy("UTF-8, with or without a byte-order mark (Excel's “CSV UTF-8”)."),
    )


class ReviewerSettingsForm(forms.Form):
    max_reviews_per_call = forms.IntegerField(
        label=gettext_lazy("Most reviews I take per call"),
        min_value=1,
        max_value=pool.MAX_REVIEWS_PER_CALL,
        help_text=gettext_lazy("A call may ask for fewer; it never gives you more."),
    )
    available = forms.BooleanField(label=gettext_lazy("I am available to review"), required=False)
    unavailable_until = forms.DateField(
        label=gettext_lazy("Unavailable until"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy(
            "Only when you are not available: the date you can review again. "
            "Leave it empty to pause until you come back here."
        ),
    )

    def clean_unavailable_until(self):
        until = self.cleaned_data["unavailable_until"]
        if until and until <= timezone.localdate():
            raise forms.ValidationError(_("Give a date after today."))
        return until

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("available") and cleaned.get("unavailable_until"):
            self.add_error(
                "unavailable_until",
                _("You said you are available: leave this empty, or untick “available”."),
            )
        return cleaned


# ---- the fund office ----------------------------------------------------------------------


def _pool_page(request, invite_form):
    search = request.GET.get("q", "")
    page = Paginator(pool.reviewers(search), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "search": search,
        "query": urlencode({"q": search}) if search else "",
        "invite_form": invite_form,
        "invitations": pool.recent_invitations()[:RECENT_INVITATIONS],
    }
    return render(request, "reviews/pool/list.html", context)


@login_required
@role_required(Role.FUND_OFFICER)
def reviewer_pool(request):
    return _pool_page(request, ExpertInvitationForm())


@require_POST
@login_required_keeping_post
@role_required(Role.FUND_OFFICER)
def expert_invite(request):
    form = ExpertInvitationForm(request.POST)
    if form.is_valid():
        try:
            pool.expert_invitation_send(actor=request.user, **form.cleaned_data)
        except WorkflowError as error:
            form.add_error("email", error.message)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("reviewer_pool")
    return _pool_page(request, form)


@require_POST
@login_required_keeping_post
@role_required(Role.FUND_OFFICER)
def expert_invitation_revoke(request, pk):
    invitation = get_object_or_404(ExpertInvitation, pk=pk)
    return workflow_step(
        request,
        lambda: pool.expert_invitation_revoke(invitation=invitation, actor=request.user),
        _("The invitation to %(email)s is withdrawn; its link no longer works.")
        % {"email": invitation.email},
        "reviewer_pool",
    )


@login_required
@role_required(Role.FUND_OFFICER)
def reviewer_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            rows, problems = pool_import.import_read(form.cleaned_data["file"].read())
        except pool_import.ImportFileError as error:
            form.add_error("file", error.message)
        else:
            if not problems:
                result = pool_import.reviewers_import(rows=rows, actor=request.user)
                messages.success(
                    request,
                    _(
                        "Imported %(total)d reviewers: %(created)d new accounts (e-mailed a "
                        "link to set their password), %(updated)d already known."
                    )
                    % {
                        "total": len(rows),
                        "created": len(result.created),
                        "updated": len(result.updated),
                    },
                )
                return redirect("reviewer_pool")
    return render(
        request,
        "reviews/pool/import.html",
        {"form": form, "problems": problems, "columns": pool_import.IMPORT_COLUMNS},
    )


# ---- the invited expert -------------------------------------------------------------------


def expert_invitation(request, token):
    """The page an invited expert lands on, with or without an account."""
    found = pool.expert_invitation_by_token(token)
    landing = invitation_landing(request, found, "reviews/pool/invitation_anonymous.html")
    if landing is not None:
        return landing
    if request.method == "POST":
        accept = request.POST.get("answer") == "accept"
        answer = pool.expert_invitation_accept if accept else pool.expert_invitation_decline
        try:
            answer(token=token, user=request.user)
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            if accept:
                messages.success(
                    request,
                    _(
                        "Welcome to the reviewer pool. Tell us how many reviews you take per "
                        "call and when you are available."
                    ),
                )
                return redirect("reviewer_settings")
            messages.success(request, _("You have declined the invitation. Thank you."))
            return redirect("dashboard")
    return render(
        request,
        "reviews/pool/invitation_answer.html",
        {"invitation": found, "already": has_role(request.user, Role.REVIEWER)},
    )


# ---- a reviewer's own settings ------------------------------------------------------------


@login_required
@role_required(Role.REVIEWER)
def reviewer_settings(request):
    profile = ReviewerProfile.objects.filter(user=request.user).first() or ReviewerProfile()
    form = ReviewerSettingsForm(
        request.POST or None,
        initial={
            "max_reviews_per_call": profile.max_reviews_per_call,
            "available": profile.available,
            "unavailable_until": profile.unavailable_until,
        },
    )
    if request.method == "POST" and form.is_valid():
        pool.reviewer_settings_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your reviewing settings are saved."))
        return redirect("reviewer_settings")
    return render(request, "reviews/pool/settings.html", {"form": form})
