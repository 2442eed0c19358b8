"""Field validators shared by forms, models and imports."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Control characters, format characters and lone surrogates. Format characters include the
# bidirectional overrides that make "gpj.exe" read as "exe.jpg" and a title say what it does
# not, and the zero-width characters that make two names look alike in a list; surrogates only
# come from broken encodings.
INVISIBLE_CATEGORIES = ("Cc", "Cf", "Cs")


def display_text(text: str) -> str:
    """A name or title as it may be shown: composed (macOS sends decomposed accents), without
    invisible characters, on one line with single spaces."""
    # Tabs and line breaks are control characters too, but they separate words: spaces first.
    text = " ".join(unicodedata.normalize("NFC", text).split())
    text = "".join(ch for ch in text if unicodedata.category(ch) not in INVISIBLE_CATEGORIES)
    return " ".join(text.split())


ORCID_PATTERN = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


def orcid_checksum(base_digits: str) -> str:
    """ISO 7064 11-2 check character for the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def validate_orcid(value: str) -> None:
    if not ORCID_PATTERN.match(value):
        raise ValidationError(
            _("An ORCID iD looks like 0000-0002-1825-0097: four groups of four characters."),
            code="orcid_format",
        )
    digits = value.replace("-", "")
    if orcid_checksum(digits[:15]) != digits[15]:
        raise ValidationError(
            _("This ORCID iD's check digit is wrong; please copy it again from orcid.org."),
            code="orcid_checksum",
        )
