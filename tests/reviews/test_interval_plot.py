"""Where a rank interval is drawn, as a share of the plot's width."""

import pytest

from reviews.interval_plot import axis, interval_plot


@pytest.mark.parametrize(
    "rank_50, rank_90, expected, first, last, drawn",
    [
        # Three places: each a third of the width; a one-place interval still shows.
        ((1, 1), (1, 1), 1.0, 1, 3, (0.0, 33.33, 0.0, 33.33, 16.67)),
        ((2, 2), (1, 3), 2.0, 1, 3, (0.0, 100.0, 33.33, 33.33, 50.0)),
        # An axis zoomed to places 11-20: place 11 starts at the left edge.
        ((12, 14), (11, 16), 13.2, 11, 20, (0.0, 60.0, 10.0, 30.0, 27.0)),
        # Nothing is drawn outside the plot, even for an interval past the axis.
        ((5, 6), (4, 9), 5.5, 5, 8, (0.0, 100.0, 0.0, 50.0, 25.0)),
    ],
)
def test_interval_positions(rank_50, rank_90, expected, first, last, drawn):
    plot = interval_plot(
        rank_50=rank_50, rank_90=rank_90, expected_rank=expected, first=first, last=last
    )
    got = (plot.low_90, plot.width_90, plot.low_50, plot.width_50, plot.expected)
    assert got == pytest.approx(drawn, abs=0.01)


@pytest.mark.parametrize(
    "intervals, places",
    [([(3, 7), (1, 4), (5, 9)], (1, 9)), ([(2, 2)], (2, 2)), ([], (1, 1))],
)
def test_the_axis_holds_every_interval(intervals, places):
    assert axis(intervals) == places


def test_positions_are_written_with_a_dot_whatever_the_language():
    plot = interval_plot(rank_50=(1, 2), rank_90=(1, 3), expected_rank=1.5, first=1, last=3)
    assert plot.as_text() == {
        "low_90": "0.00",
        "width_90": "100.00",
        "low_50": "0.00",
        "width_50": "66.67",
        "expected": "33.33",
    }
