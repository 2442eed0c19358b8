import pytest
from django.core.exceptions import ValidationError

from grants.core.validators import display_text, validate_orcid


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


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("工业视觉缺陷检测", "工业视觉缺陷检测"),
        ("  Visual   defect\tdetection \n", "Visual defect detection"),
        ("Invoice \u202egpj.exe", "Invoice gpj.exe"),  # right-to-left override
        ("\u2066isolated\u2069 \u200eLRM\u200f", "isolated LRM"),  # isolates and marks
        ("张\u200b三", "张三"),  # zero-width space
        ("Zhang\u200d\u200cSan\ufeff", "ZhangSan"),  # joiners and a byte order mark
        ("bell\x07 escape\x1b[31m", "bell escape[31m"),
        ("line\u2028break\u2029here", "line break here"),
        ("e\u0301tude", "\u00e9tude"),  # decomposed accents composed
        ("broken \ud800 paste", "broken paste"),
        ("\u200b\u202e", ""),
    ],
    ids=[
        "chinese",
        "spaces",
        "override",
        "isolates",
        "zero-width-space",
        "joiners",
        "controls",
        "separators",
        "decomposed",
        "surrogate",
        "only-invisible",
    ],
)
def test_display_text_drops_what_would_spoof_a_list_or_a_pdf(typed, shown):
    assert display_text(typed) == shown
