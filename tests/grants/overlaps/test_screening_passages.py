"""The shared passages cut out of each side of a text overlap (grants.overlaps.passages)."""

import pytest

from grants.overlaps.passages import Segment, merged, segments, shared_passages, side_spans


@pytest.mark.parametrize(
    ("intervals", "expected"),
    [
        ([], []),
        ([(3, 5)], [(3, 5)]),
        ([(5, 8), (1, 3)], [(1, 3), (5, 8)]),
        ([(1, 4), (3, 6)], [(1, 6)]),  # overlapping
        ([(1, 3), (3, 6)], [(1, 6)]),  # touching
        ([(1, 9), (2, 4)], [(1, 9)]),  # inside
        ([(4, 4), (6, 2)], []),  # empty and reversed
    ],
)
def test_merged(intervals, expected):
    assert merged(intervals) == expected


@pytest.mark.parametrize(
    ("text", "intervals", "expected"),
    [
        ("abcdef", [], [Segment("abcdef", False)]),
        ("abcdef", [(0, 6)], [Segment("abcdef", True)]),
        ("abcdef", [(2, 4)], [Segment("ab", False), Segment("cd", True), Segment("ef", False)]),
        ("abcdef", [(0, 2)], [Segment("ab", True), Segment("cdef", False)]),
        ("abcdef", [(4, 99)], [Segment("abcd", False), Segment("ef", True)]),  # clipped
        ("abc", [(7, 9)], [Segment("abc", False)]),  # past the end
        ("", [(0, 3)], [Segment("", False)]),
        ("长三角湿地碳汇", [(3, 7)], [Segment("长三角", False), Segment("湿地碳汇", True)]),
    ],
)
def test_segments(text, intervals, expected):
    assert segments(text, intervals) == expected


@pytest.mark.parametrize(
    ("spans", "side", "expected"),
    [
        ([[0, 3, 5, 8]], "a", [(0, 3)]),
        ([[0, 3, 5, 8]], "b", [(5, 8)]),
        ([[0, 3, 5, 8], [9, 12, 1, 4]], "b", [(5, 8), (1, 4)]),
        ([[0, 3], "x", [0, 1, 2, "3"]], "a", []),  # malformed rows are skipped
        (None, "a", []),
    ],
)
def test_side_spans(spans, side, expected):
    assert side_spans(spans, side) == expected


def test_shared_passages():
    assert shared_passages("one two three", [(0, 3), (8, 13)]) == ["one", "three"]
