"""Reference data: provinces (GB/T 2260), institutions and NSFC discipline codes."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def in_reader_language(text_zh, text_en):
    """The Chinese text for Chinese readers, the English one for everyone else (if present)."""
    if (get_language() or "zh-hans").startswith("zh"):
        return text_zh or text_en
    return text_en or text_zh


class BilingualName:
    @property
    def name(self):
        return in_reader_language(self.name_zh, self.name_en)

    def __str__(self):
        return self.name


class Province(BilingualName, models.Model):
    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=50)
    is_funding = models.BooleanField(
        _("funding province"),
        default=False,
        help_text=_("One of the four provinces that contribute to the fund."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class Institution(BilingualName, models.Model):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        INSTITUTE = "institute", _("Research institute")
        HOSPITAL = "hospital", _("Hospital")
        ENTERPRISE = "enterprise", _("Enterprise")
        OTHER = "other", _("Other")

    name_zh = models.CharField(_("Chinese name"), max_length=120, unique=True)
    name_en = models.CharField(_("English name"), max_length=200)
    city_en = models.CharField(_("city"), max_length=80, blank=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("province")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.UNIVERSITY)

    class Meta:
        ordering = ["province_id", "name_en"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")


class Discipline(BilingualName, models.Model):
    """An NSFC application code. Codes nest by prefix: F → F06 → F0601."""

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("discipline code")
        verbose_name_plural = _("discipline codes")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def department(self):
        return self.code[:1]

    @property
    def depth(self):
        """1 for a department letter, 2 for F06, 3 for F0601, and so on."""
        return 1 + (len(self.code) - 1) // 2

    def lies_within(self, area_code):
        return self.code.startswith(area_code)
