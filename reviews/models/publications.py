"""A reviewer's publications: the text their expertise is read from, and the co-authors their
conflicts are read from."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grants.core import limits
from grants.models.fields import bounded_text


class PublicationSource(models.TextChoices):
    OFFICE_CSV = "office_csv", _("Fund office CSV")
    ORCID = "orcid", _("ORCID works export")


class Publication(models.Model):
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="publications",
        verbose_name=_("reviewer"),
    )
    title = models.CharField(_("title"), max_length=limits.PUBLICATION_TITLE)
    abstract = bounded_text(_("abstract"), limits.PUBLICATION_ABSTRACT)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    doi = models.CharField(_("DOI"), max_length=200, blank=True)
    # As the source gives them: [{"name": "Li Wei", "orcid": "0000-0002-1825-0097"}, ...];
    # "orcid" is empty where the source has none.
    authors = models.JSONField(_("authors"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=PublicationSource.choices)
    # reviews.publication_rules.match_key: the DOI, or the title and year when there is none;
    # one row per reviewer and key, so a re-import updates in place.
    match_key = models.CharField(max_length=limits.PUBLICATION_TITLE + 20, editable=False)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "match_key"], name="one_publication_per_reviewer_and_key"
            )
        ]
        indexes = [models.Index(fields=["match_key"])]

    def __str__(self):
        return f"{self.title} ({self.year or '?'})"
