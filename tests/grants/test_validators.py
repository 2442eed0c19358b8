import pytest
from django.core.exceptions import ValidationError

from grants.validators import validate_orcid


@pytest.mark.parametrize(
    "orcid",
    ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"],
    ids=["published-example", "another-valid", "check-character-x"],
)
def test_valid_orcids_pass(orcid):
    validate_orcid(orcid)


@pytest.mark.parametrize(
    ("orcid", "code"),
    [
        ("0000-0002-1825-0098", "orcid_checksum"),
        ("0000-0002-1694-2330", "orcid_checksum"),
        ("0000000218250097", "orcid_format"),
        ("0000-0002-1825-009", "orcid_format"),
        ("abcd-0002-1825-0097", "orcid_format"),
        ("https://orcid.org/0000-0002-1825-0097", "orcid_format"),
    ],
    ids=["wrong-check-digit", "x-expected", "no-hyphens", "too-short", "letters", "url"],
)
def test_invalid_orcids_are_refused_with_reason(orcid, code):
    with pytest.raises(ValidationError) as raised:
        validate_orcid(orcid)
    assert raised.value.code == code
