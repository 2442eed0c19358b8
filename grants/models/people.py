"""People: the user account with its researcher profile, and the roles granted to it."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from grants.core.validators import validate_orcid
from grants.models.reference import Discipline, Institution, Province


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with their e-mail address.

    The researcher profile lives on the account itself: every page needs the institution
    (and so the province), and a separate table would cost a join on every request.
    """

    class Title(models.TextChoices):
        PROFESSOR = "professor", _("Professor")
        ASSOCIATE_PROFESSOR = "associate_professor", _("Associate professor")
        ASSISTANT_PROFESSOR = "assistant_professor", _("Assistant professor / lecturer")
        RESEARCHER = "researcher", _("Research fellow")
        ASSOCIATE_RESEARCHER = "associate_researcher", _("Associate research fellow")
        ENGINEER = "engineer", _("Senior engineer")
        PHYSICIAN = "physician", _("Chief physician")
        OTHER = "other", _("Other")

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("full name"), max_length=100, blank=True)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("institution"),
    )
    title = models.CharField(_("title"), max_length=30, choices=Title.choices, blank=True)
    orcid = models.CharField(
        _("ORCID iD"),
        max_length=19,
        blank=True,
        validators=[validate_orcid],
        help_text=_("Sixteen characters, e.g. 0000-0002-1825-0097."),
    )
    disciplines = models.ManyToManyField(
        Discipline, blank=True, related_name="researchers", verbose_name=_("discipline codes")
    )
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True, help_text=_("Separated by commas.")
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name or self.email

    @property
    def province(self):
        return self.institution.province if self.institution_id else None

    @property
    def profile_complete(self):
        return bool(self.name and self.institution_id and self.title)

    @property
    def keyword_list(self):
        return [word.strip() for word in self.keywords.split(",") if word.strip()]


class Role(models.TextChoices):
    FUND_OFFICER = "fund_officer", _("Fund officer")
    PROVINCIAL_OFFICER = "provincial_officer", _("Provincial officer")
    REVIEWER = "reviewer", _("Reviewer")
    PANEL_CHAIR = "panel_chair", _("Panel chair")


class RoleGrant(models.Model):
    """A role beyond 'applicant' (which every verified researcher has) granted to a user."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("province"),
        help_text=_("Only for provincial officers: the province they act for."),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_grant_per_role"),
            models.CheckConstraint(
                condition=(
                    models.Q(role="provincial_officer", province__isnull=False)
                    | (~models.Q(role="provincial_officer") & models.Q(province__isnull=True))
                ),
                name="province_only_for_provincial_officers",
            ),
        ]

    def __str__(self):
        label = self.get_role_display()
        return (
            f"{self.user} · {label} ({self.province})"
            if self.province_id
            else f"{self.user} · {label}"
        )
