"""The geometry of the open-data page's two pictures, drawn as SVG by its template.

Pure: grants.opendata.figures' totals and flows in, rectangles and paths in SVG user units out.
Both pictures are laid out on a narrow canvas (WIDTH) and scale with the page, so they stay
readable on a phone; the page prints the same numbers as a table for screen readers.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from grants.opendata.figures import MoneyFigures

WIDTH = 360
LABEL_HEIGHT = 18  # a province's name above its pair of bars
BAR_HEIGHT = 12
BAR_GAP = 3
GROUP_GAP = 14
FLOW_HEIGHT = 240  # the flows' columns, gaps included
NODE_WIDTH = 14
NODE_GAP = 10
LABEL_ROOM = 76  # beside each column of the flows, for the province names


@dataclass(frozen=True)
class Bar:
    code: str
    label: str
    y: float  # the baseline of the province's label; its bars lie below it
    contributed_y: float
    contributed_width: float
    spent_y: float
    spent_width: float


@dataclass(frozen=True)
class Node:
    code: str
    label: str
    x: float
    y: float
    height: float


@dataclass(frozen=True)
class Band:
    source: str
    target: str
    path: str  # an SVG path: the band from its payer's node to its receiver's
    same_province: bool


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    bars_height: float
    sources: tuple[Node, ...]
    targets: tuple[Node, ...]
    bands: tuple[Band, ...]


def _scale(amount: Decimal, largest: Decimal, length: float) -> float:
    return round(float(amount / largest) * length, 2) if largest else 0.0


def bars(figures: MoneyFigures, names: Mapping[str, str]) -> tuple[tuple[Bar, ...], float]:
    """A pair of bars per province, contributed above spent, scaled to the largest amount;
    and the height they take."""
    largest = max((max(row.contributed, row.spent) for row in figures.totals), default=Decimal(0))
    group = LABEL_HEIGHT + 2 * BAR_HEIGHT + BAR_GAP + GROUP_GAP
    rows = []
    for index, row in enumerate(figures.totals):
        top = index * group
        rows.append(
            Bar(
                code=row.code,
                label=names.get(row.code, row.code),
                y=top + LABEL_HEIGHT - 4,
                contributed_y=top + LABEL_HEIGHT,
                contributed_width=_scale(row.contributed, largest, WIDTH),
                spent_y=top + LABEL_HEIGHT + BAR_HEIGHT + BAR_GAP,
                spent_width=_scale(row.spent, largest, WIDTH),
            )
        )
    return tuple(rows), len(rows) * group


def _column(amounts: Mapping[str, Decimal], x: float, names: Mapping[str, str]) -> dict[str, Node]:
    """Nodes stacked top to bottom in code order, heights in proportion, gaps between."""
    shown = {code: amount for code, amount in sorted(amounts.items()) if amount > 0}
    total = sum(shown.values(), Decimal(0))
    room = FLOW_HEIGHT - NODE_GAP * max(len(shown) - 1, 0)
    nodes, y = {}, 0.0
    for code, amount in shown.items():
        height = _scale(amount, total, room)
        nodes[code] = Node(code, names.get(code, code), x, round(y, 2), height)
        y += height + NODE_GAP
    return nodes


def _band_path(x0, top0, bottom0, x1, top1, bottom1) -> str:
    middle = round((x0 + x1) / 2, 2)
    return (
        f"M{x0},{top0} C{middle},{top0} {middle},{top1} {x1},{top1} "
        f"L{x1},{bottom1} C{middle},{bottom1} {middle},{bottom0} {x0},{bottom0} Z"
    )


def flow_bands(figures: MoneyFigures, names: Mapping[str, str]):
    """Payers on the left, receivers on the right, a band per flow as thick as its amount;
    each node's bands in code order, so they never cross inside a node. Returns the payers'
    and the receivers' nodes by code, and the bands."""
    sources = _column({row.code: row.contributed for row in figures.totals}, LABEL_ROOM, names)
    targets = _column(
        {row.code: row.spent for row in figures.totals}, WIDTH - LABEL_ROOM - NODE_WIDTH, names
    )
    out_used = {code: 0.0 for code in sources}
    in_used = {code: 0.0 for code in targets}
    contributed = {row.code: row.contributed for row in figures.totals}
    spent = {row.code: row.spent for row in figures.totals}
    bands = []
    for (source, target), amount in sorted(figures.flows.items()):
        if source not in sources or target not in targets:
            continue
        left, right = sources[source], targets[target]
        out_height = _scale(amount, contributed[source], left.height)
        in_height = _scale(amount, spent[target], right.height)
        top0 = round(left.y + out_used[source], 2)
        top1 = round(right.y + in_used[target], 2)
        out_used[source] += out_height
        in_used[target] += in_height
        path = _band_path(
            left.x + NODE_WIDTH,
            top0,
            round(top0 + out_height, 2),
            right.x,
            top1,
            round(top1 + in_height, 2),
        )
        bands.append(Band(source, target, path, source == target))
    return sources, targets, tuple(bands)


def chart(figures: MoneyFigures, names: Mapping[str, str]) -> Chart:
    """Both pictures; ``names`` gives each province code its label."""
    bar_rows, bars_height = bars(figures, names)
    sources, targets, bands = flow_bands(figures, names)
    return Chart(
        bars=bar_rows,
        bars_height=bars_height,
        sources=tuple(sources.values()),
        targets=tuple(targets.values()),
        bands=bands,
    )
