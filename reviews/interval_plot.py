"""Where a rank interval is drawn: the same geometry for the pages' SVG and the PDF's drawing.

Pure: plain numbers in, positions out as percentages of the plot's width. Each place is a cell
one place wide, so an interval of a single place still shows, and the axis runs from the first
place shown to the last.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class IntervalPlot:
    low_90: float
    width_90: float
    low_50: float
    width_50: float
    expected: float

    def as_text(self):
        """The positions written for SVG attributes: a dot for the decimals, whatever the
        reader's language."""
        return {name: f"{value:.2f}" for name, value in self.__dict__.items()}


def axis(intervals_90):
    """The places an axis must cover to hold every (low, high) interval of ``intervals_90``."""
    lows, highs = zip(*intervals_90, strict=True) if intervals_90 else ((1,), (1,))
    return min(lows), max(highs)


def interval_plot(*, rank_50, rank_90, expected_rank, first, last) -> IntervalPlot:
    """Positions of the 90 % band, the 50 % band and the expected rank on an axis from place
    ``first`` to place ``last`` (1 is best, drawn on the left)."""
    start, span = first - 0.5, last - first + 1

    def at(place):
        return min(100.0, max(0.0, 100.0 * (place - start) / span))

    low_90, high_90 = at(rank_90[0] - 0.5), at(rank_90[1] + 0.5)
    low_50, high_50 = at(rank_50[0] - 0.5), at(rank_50[1] + 0.5)
    return IntervalPlot(
        low_90=low_90,
        width_90=high_90 - low_90,
        low_50=low_50,
        width_50=high_50 - low_50,
        expected=at(expected_rank),
    )
