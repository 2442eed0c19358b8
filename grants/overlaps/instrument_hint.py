"""The draft's hint: the shared large-instrument catalogue's likely match for the instrument an
equipment line names, by the overlap check's own matcher (grants.overlaps.instrument_match), so
the applicant and the fund office see the same matches."""

from grants.models import SharedInstrument
from grants.overlaps import instrument_match


def likely_match(named: str):
    """The catalogue entry most like ``named`` when it is likely the same instrument, or None."""
    if not (named or "").strip():
        return None
    catalogue = SharedInstrument.objects.only("catalogue_ref", "name", "model", "institution_name")
    found = instrument_match.matches(named, catalogue, limit=1)
    return found[0][0] if found else None
