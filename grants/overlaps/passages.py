"""The shared passages of a text overlap, cut out of each text for the side-by-side view.

Pure: plain strings and spans in, segments out. The spans are the evidence's
``[[start_a, end_a, start_b, end_b], ...]`` (grants.overlaps.screening describes the shape).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    text: str
    shared: bool


def merged(intervals) -> list[tuple[int, int]]:
    """``intervals`` (start, end) sorted and joined where they overlap or touch; empty or
    reversed ones are dropped."""
    result: list[list[int]] = []
    for start, end in sorted((int(s), int(e)) for s, e in intervals if int(e) > int(s)):
        if result and start <= result[-1][1]:
            result[-1][1] = max(result[-1][1], end)
        else:
            result.append([start, end])
    return [(start, end) for start, end in result]


def segments(text: str, intervals) -> list[Segment]:
    """``text`` cut into plain and shared segments at ``intervals``, clipped to the text."""
    text = text or ""
    clipped = [(max(0, s), min(len(text), e)) for s, e in merged(intervals)]
    out, position = [], 0
    for start, end in clipped:
        if start >= end:
            continue
        if start > position:
            out.append(Segment(text[position:start], False))
        out.append(Segment(text[start:end], True))
        position = end
    if position < len(text) or not out:
        out.append(Segment(text[position:], False))
    return out


def side_spans(spans, side: str) -> list[tuple[int, int]]:
    """The (start, end) pairs of one side, "a" or "b", of ``spans``; malformed rows are skipped."""
    offset = 0 if side == "a" else 2
    return [
        (row[offset], row[offset + 1])
        for row in spans or ()
        if isinstance(row, (list, tuple)) and len(row) == 4 and all(isinstance(n, int) for n in row)
    ]


def shared_passages(text: str, intervals) -> list[str]:
    """Only the shared passages of ``text``, in order."""
    return [segment.text for segment in segments(text, intervals) if segment.shared]
