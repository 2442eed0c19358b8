from django.core.validators import MaxLengthValidator
from django.db import models


def bounded_text(verbose_name, limit, *, blank=True):
    """A free text of at most ``limit`` characters (grants.core.limits). Django's TextField passes
    max_length only to its form field; the validator makes ``full_clean`` refuse it too."""
    return models.TextField(
        verbose_name, max_length=limit, blank=blank, validators=[MaxLengthValidator(limit)]
    )
