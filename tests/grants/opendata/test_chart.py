"""The geometry of the open-data pictures (grants/opendata/chart.py)."""

from decimal import Decimal

import pytest

from grants.opendata import chart
from grants.opendata.figures import Award, MoneyFigures, money_figures

SH, ZJ, AH = "310000", "330000", "340000"
NAMES = {SH: "Shanghai", ZJ: "Zhejiang", AH: "Anhui"}


@pytest.mark.parametrize(
    ("awards", "widths"),
    [
        # The largest amount spans the canvas; the others in proportion.
        (
            [Award({SH: Decimal(1000)}, {SH: Decimal(750), AH: Decimal(250)})],
            [(SH, 360.0, 270.0), (AH, 0.0, 90.0)],
        ),
        ([Award({ZJ: Decimal(5)}, {ZJ: Decimal(5)})], [(ZJ, 360.0, 360.0)]),
    ],
)
def test_bars_scale_to_the_largest_amount(awards, widths):
    bars, height = chart.bars(money_figures(awards), NAMES)
    assert [(bar.code, bar.contributed_width, bar.spent_width) for bar in bars] == widths
    assert height > bars[-1].spent_y + chart.BAR_HEIGHT


def test_no_figures_draw_nothing():
    drawn = chart.chart(MoneyFigures(), NAMES)
    assert (drawn.bars, drawn.sources, drawn.targets, drawn.bands) == ((), (), (), ())


def test_flow_columns_fill_the_height_and_bands_fill_their_nodes():
    figures = money_figures(
        [
            Award({SH: Decimal(600), ZJ: Decimal(400)}, {SH: Decimal(600), ZJ: Decimal(400)}),
            Award({SH: Decimal(500)}, {AH: Decimal(500)}),
        ]
    )
    drawn = chart.chart(figures, NAMES)
    assert [node.label for node in drawn.sources] == ["Shanghai", "Zhejiang"]
    assert [node.label for node in drawn.targets] == ["Shanghai", "Zhejiang", "Anhui"]
    for column in (drawn.sources, drawn.targets):
        gaps = chart.NODE_GAP * (len(column) - 1)
        assert sum(node.height for node in column) + gaps == pytest.approx(chart.FLOW_HEIGHT)
        assert column[-1].y + column[-1].height == pytest.approx(chart.FLOW_HEIGHT)
    assert [(band.source, band.target, band.same_province) for band in drawn.bands] == [
        (SH, SH, True),
        (SH, AH, False),
        (ZJ, ZJ, True),
    ]
    # Shanghai's second band starts where its first ends and reaches the bottom of its node.
    assert drawn.bands[1].path.startswith(f"M{chart.LABEL_ROOM + chart.NODE_WIDTH},")
