"""grants.proposals.pdf._runs: long lines cut into bounded runs that add up to the line."""

import pytest

from grants.proposals.pdf import RUN_LENGTH, _runs

HALF = RUN_LENGTH // 2


@pytest.mark.parametrize(
    "line, lengths",
    [
        ("short", [5]),
        ("x" * RUN_LENGTH, [RUN_LENGTH]),
        ("x" * (RUN_LENGTH + 1), [RUN_LENGTH, 1]),
        ("x" * (3 * RUN_LENGTH), [RUN_LENGTH] * 3),
        # After the last space in the second half of the window.
        ("x" * (HALF + 10) + " " + "y" * RUN_LENGTH, [HALF + 11, RUN_LENGTH]),
        # A sentence end when there is no space.
        ("字" * (HALF + 20) + "。" + "字" * RUN_LENGTH, [HALF + 21, RUN_LENGTH]),
        # A space early in the line is too early to cut at: the run would be short.
        ("x " + "y" * (2 * RUN_LENGTH), [RUN_LENGTH, RUN_LENGTH, 2]),
    ],
    ids=["short", "exactly", "one-over", "three", "space", "sentence", "early-space"],
)
def test_runs_are_bounded_and_cut_where_a_reader_would(line, lengths):
    runs = _runs(line)
    assert [len(run) for run in runs] == lengths
    assert "".join(runs) == line


def test_runs_never_part_a_letter_from_its_accent():
    line = "e" * (RUN_LENGTH - 1) + "e\u0301" + "e" * 10
    runs = _runs(line)
    assert "".join(runs) == line
    assert not runs[1].startswith("\u0301")
