"""The shared large-instrument catalogue's likely match for an instrument a budget line names.

The catalogue and its matcher belong to the overlap screening, a part above proposals; it
registers its matcher here (grants/apps.py), and the draft's checks ask through
``likely_instrument``. Without a matcher nothing matches.
"""

_matchers = []


def register_instrument_matcher(matcher):
    """``matcher(name)`` returns the catalogue's likely match for ``name`` (or None); the last
    one registered answers."""
    if matcher not in _matchers:
        _matchers.append(matcher)


def likely_instrument(name: str):
    """The likely match for ``name`` in the shared catalogue, or None."""
    if not _matchers or not (name or "").strip():
        return None
    return _matchers[-1](name)
