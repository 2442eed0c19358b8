"""The draft's hint: the shared large-instrument catalogue's likely match for the instrument an
equipment line names.

A simple matcher so the draft can ask for a reason while the applicant types: names compared
by their character pairs (Chinese has no spaces between words), a named model counting as a
match on its own. The overlap check's own matcher (grants.overlaps.instrument_match) should
replace this one where both exist, so the draft and the office see the same matches.
"""

import re

from grants.models import SharedInstrument

# The Dice coefficient of the two names' character pairs from which a match is likely.
LIKELY = 0.6
_NOISE = re.compile(r"[\s\-_·,，.。()（）/]+")


def _normal(text: str) -> str:
    return _NOISE.sub("", (text or "").casefold())


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def similarity(named: str, listed: str) -> float:
    """0 to 1: how alike two instrument names are, by their character pairs."""
    a, b = _pairs(_normal(named)), _pairs(_normal(listed))
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def score(named: str, instrument) -> float:
    """How likely ``instrument`` (a catalogue entry) is what ``named`` describes."""
    model = _normal(instrument.model)
    if len(model) >= 4 and model in _normal(named):
        return 1.0
    return max(
        similarity(named, instrument.name),
        similarity(named, f"{instrument.name}{instrument.model}"),
    )


def likely_match(named: str):
    """The catalogue entry most like ``named`` when it is likely the same instrument, or None."""
    if not _normal(named):
        return None
    best, best_score = None, LIKELY
    for instrument in SharedInstrument.objects.only(
        "catalogue_ref", "name", "model", "institution_name"
    ):
        found = score(named, instrument)
        if found >= best_score:
            best, best_score = instrument, found
    return best
