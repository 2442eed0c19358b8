"""Proposals, their consortium members, invitations, teams and budget lines."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.core import limits
from grants.core.uploads import attachment_path
from grants.models.calls import Call
from grants.models.fields import bounded_text
from grants.models.reference import Discipline, Institution, in_reader_language


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # Given up by its lead before submission. The row stays (the audit log points at it) but
    # it is gone from every list, page and quota.
    DISCARDED = "discarded", _("Discarded")


# The proposals the fund office never received: it lists and counts everything else.
UNSUBMITTED = (ProposalStatus.DRAFT, ProposalStatus.DISCARDED)


class Screening(models.TextChoices):
    PENDING = "pending", _("Not screened yet")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Ineligible")


class OtherFunding(models.TextChoices):
    NONE = "none", _("No other funding has been sought or received for this content")
    DECLARED = "declared", _("Related funding exists and is declared below")


class ProposalQuerySet(models.QuerySet):
    # Lists show a reference, a title, amounts and a score: the snapshot (kilobytes of JSON,
    # decoded per row) and the long texts would only slow them down.
    LIST_DEFERRED = (
        "snapshot",
        "abstract_zh",
        "abstract_en",
        "industry_problem",
        "section_rationale",
        "section_basis",
        "section_other",
        "other_funding_details",
        "screening_reason",
    )

    def for_lists(self):
        return self.defer(*self.LIST_DEFERRED)

    @classmethod
    def list_deferred_through(cls, relation):
        """LIST_DEFERRED for a list of another model that select_relates its proposal as
        ``relation``: the same wide columns stay unread there too."""
        return [f"{relation}__{name}" for name in cls.LIST_DEFERRED]

    def lead_draft(self, *, call, lead):
        """The proposal ``lead`` last worked on in ``call`` that is still theirs to edit, if any."""
        if not lead.is_authenticated:
            return None
        return (
            self.filter(
                call=call, lead=lead, status__in=[ProposalStatus.DRAFT, ProposalStatus.RETURNED]
            )
            .order_by("-updated_at", "-pk")
            .first()
        )


class Proposal(models.Model):
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="proposals")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_proposals",
        verbose_name=_("lead PI"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    reference = models.CharField(
        _("reference number"), max_length=40, unique=True, null=True, blank=True
    )

    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    primary_code = models.ForeignKey(
        Discipline,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_proposals",
        verbose_name=_("primary discipline code"),
    )
    secondary_code = models.ForeignKey(
        Discipline,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="secondary_proposals",
        verbose_name=_("secondary discipline code"),
    )
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    abstract_zh = bounded_text(_("abstract (Chinese)"), limits.ABSTRACT_ZH)
    abstract_en = bounded_text(_("abstract (English)"), limits.ABSTRACT_EN)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), null=True, blank=True
    )
    industry_problem = bounded_text(_("industrial orientation"), limits.INDUSTRY_PROBLEM)
    partner_enterprise = models.CharField(_("partner enterprise"), max_length=200, blank=True)
    section_rationale = bounded_text(_("rationale and research content"), limits.SECTION_RATIONALE)
    section_basis = bounded_text(_("research basis and conditions"), limits.SECTION_BASIS)
    section_other = bounded_text(_("other matters"), limits.SECTION_OTHER)
    narrative_pdf = models.FileField(_("narrative PDF"), upload_to=attachment_path, blank=True)
    narrative_pdf_name = models.CharField(max_length=120, blank=True)
    other_funding = models.CharField(
        _("other funding for the same content"),
        max_length=10,
        choices=OtherFunding.choices,
        blank=True,
    )
    other_funding_details = bounded_text(
        _("details of other funding"), limits.OTHER_FUNDING_DETAILS
    )

    screening = models.CharField(
        _("screening"), max_length=12, choices=Screening.choices, default=Screening.PENDING
    )
    screening_reason = bounded_text(_("reason for ineligibility"), limits.SCREENING_REASON)

    # Optimistic locking: a save names the version it started from and is refused if another
    # save came first, so two people editing one draft never overwrite each other silently.
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # What reviewers and the fund office see: frozen at submission, never edited afterwards.
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    # The amounts asked for, frozen with the snapshot (grants.proposals.snapshots.requested_amounts):
    # lists sort by them and funding reads them without summarising the budget again.
    requested_direct = models.DecimalField(
        _("direct costs requested"), max_digits=14, decimal_places=2, null=True, editable=False
    )
    requested_total = models.DecimalField(
        _("total requested"), max_digits=14, decimal_places=2, null=True, editable=False
    )
    requested_by_province = models.JSONField(null=True, blank=True, editable=False)
    # The consortium's provinces as submitted (grants.proposals.snapshots.member_provinces): the lists
    # count proposals per province from it instead of joining every member.
    member_provinces = models.CharField(max_length=250, blank=True, default="", editable=False)
    # The submitted reviews' aggregate, kept by reviews.workflow whenever they change:
    # review_result is reviews.scoring's exact ProposalScore as JSON, review_score its mean
    # in a column the lists filter and sort on (reviews.scoring.sortable_score says why it
    # has 12 places), review_count the valid reviews, review_fundable its verdict (funding
    # reads it for every ranked proposal).
    review_score = models.DecimalField(
        _("review score"), max_digits=13, decimal_places=12, null=True, editable=False
    )
    review_count = models.PositiveSmallIntegerField(default=0, editable=False)
    review_fundable = models.BooleanField(null=True, editable=False)
    review_result = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            # Covers the office lists' counts (status, department, province) and their ids
            # without reading the wide rows. The id is a key column, not an INCLUDE one, which
            # SQLite does not know.
            models.Index(
                fields=["call", "status", "primary_code", "member_provinces", "id"],
                name="proposal_list_counts",
            ),
            # The dashboards' counts of received proposals per call, all and by province:
            # COUNT(*) over this index alone, which holds neither the unsubmitted rows nor
            # the columns the counts do not read (a tenth of proposal_list_counts' pages).
            models.Index(
                fields=["call", "member_provinces"],
                condition=~models.Q(status__in=UNSUBMITTED),
                name="proposal_received_provinces",
            ),
            models.Index(fields=["call", "review_score"], name="proposal_call_score"),
            models.Index(fields=["call", "requested_total"], name="proposal_call_total"),
        ]

    def __str__(self):
        return self.reference or self.title or f"#{self.pk}"

    @property
    def title(self):
        return in_reader_language(self.title_zh, self.title_en)

    @property
    def keyword_list(self):
        return [word.strip() for word in self.keywords.split(",") if word.strip()]

    @property
    def is_editable_state(self):
        return self.status in {ProposalStatus.DRAFT, ProposalStatus.RETURNED}

    SECTIONS = {
        "rationale": "section_rationale",
        "basis": "section_basis",
        "other": "section_other",
    }

    def section_texts(self):
        return {key: getattr(self, attribute) for key, attribute in self.SECTIONS.items()}


class MemberStatus(models.TextChoices):
    PENDING = "pending", _("Invitation pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")


class ConsortiumMember(models.Model):
    """One institution's part of a proposal, led by its PI."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="members")
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("institution"),
    )
    is_lead = models.BooleanField(default=False)
    pi = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("PI"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MemberStatus.choices, default=MemberStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_lead", "created_at", "pk"]
        verbose_name = _("consortium member")
        verbose_name_plural = _("consortium members")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "institution"],
                condition=~models.Q(status="revoked"),
                name="one_active_member_per_institution",
            ),
            models.UniqueConstraint(
                fields=["proposal"], condition=models.Q(is_lead=True), name="one_lead_per_proposal"
            ),
        ]
        indexes = [
            # A provincial officer's scope (the proposals with an accepted member of the
            # province) read from the index alone: the members of the province's institutions
            # and their proposals, instead of every member of every proposal.
            models.Index(
                fields=["institution", "status", "proposal"], name="member_institution_status"
            ),
        ]

    def __str__(self):
        return f"{self.institution} ({self.get_status_display()})"

    @property
    def province(self):
        return self.institution.province


class ReferenceCounter(models.Model):
    """The last number given to proposals of one year and discipline area (YRD-2026-F06-0042):
    unique across calls, taken under a row lock at submission."""

    year = models.PositiveSmallIntegerField()
    area = models.CharField(max_length=3)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "area"], name="one_counter_per_year_area")
        ]

    def __str__(self):
        return f"{self.year}-{self.area}: {self.last}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """A single-use, expiring link inviting a partner PI. Only the token's digest is stored."""

    member = models.ForeignKey(
        ConsortiumMember, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    token_digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [
            # Every dashboard looks up the open invitations to its user's address, case
            # blind (email__iexact is UPPER(email) = UPPER(%s) on PostgreSQL): without this
            # index each of them read the whole table.
            models.Index(Upper("email"), name="invitation_email_upper"),
        ]

    def __str__(self):
        return self.email

    def usable(self, now=None):
        now = now or timezone.now()
        return self.used_at is None and self.revoked_at is None and now < self.expires_at


class TeamMember(models.Model):
    member = models.ForeignKey(ConsortiumMember, on_delete=models.CASCADE, related_name="team")
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role in the project"), max_length=100, blank=True)
    person_months = models.DecimalField(_("person-months"), max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person_months__gte=0), name="person_months_not_negative"
            )
        ]

    def __str__(self):
        return self.name


class BudgetCategory(models.TextChoices):
    EQUIPMENT = "equipment", _("Equipment (设备费)")
    OPERATIONS = "operations", _("Operations (业务费)")
    PERSONNEL = "personnel", _("Personnel (劳务费)")


class BudgetLine(models.Model):
    """Direct costs of one member, in one category, in one project year. Indirect costs are
    never stored: grants.proposals.budget computes them."""

    member = models.ForeignKey(
        ConsortiumMember, on_delete=models.CASCADE, related_name="budget_lines"
    )
    category = models.CharField(max_length=12, choices=BudgetCategory.choices)
    year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    # An equipment line above the call's instrument threshold names what it buys, and, when the
    # shared large-instrument catalogue lists a likely match, why that one cannot serve.
    instrument = models.CharField(_("instrument to buy"), max_length=200, blank=True)
    shared_instrument_reason = bounded_text(
        _("why the shared instrument cannot serve"), limits.SHARED_INSTRUMENT_REASON
    )

    class Meta:
        ordering = ["member_id", "year", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "category", "year"], name="one_line_per_cell"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="budget_amount_not_negative"
            ),
            models.CheckConstraint(condition=models.Q(year__gte=1), name="budget_year_from_one"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} · {self.year}: {self.amount}"


class AvoidedExpert(models.Model):
    """An expert the applicants ask not to review the proposal (NSFC allows up to three)."""

    MAX_PER_PROPOSAL = 3

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="avoided_experts")
    name = models.CharField(_("name"), max_length=100)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("expert to avoid")
        verbose_name_plural = _("experts to avoid")

    def __str__(self):
        return self.name
