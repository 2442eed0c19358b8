"""grants.core.audit_text: every action the code writes has words, and changes read as text."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from grants.calls.call_workflow import CALL_AUDIT_ACTIONS
from grants.core.audit_text import ACTION_LABELS, action_label, change_text, describe

ROOT = Path(__file__).resolve().parents[3]


def written_actions():
    """Every action name passed to grants.core.audit.record in the code, found by reading it."""
    found = set(CALL_AUDIT_ACTIONS.values())
    for path in [*ROOT.glob("grants/**/*.py"), *ROOT.glob("reviews/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        # record(action="a.b") or, when the action is chosen first, action = "a.b" ...
        for line in re.findall(r"\baction\s*=\s*(.*)", text):
            found |= set(re.findall(r'"([a-z_]+\.[a-z_]+)"', line))
    return found


def test_every_action_the_code_writes_has_a_label():
    actions = written_actions()
    assert {"review.saved", "review.submitted", "call.decided", "review.reopened"} <= actions
    assert sorted(actions - set(ACTION_LABELS)) == []


def test_no_label_is_left_for_an_action_nobody_writes():
    assert sorted(set(ACTION_LABELS) - written_actions()) == []


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (None, None, ""),
        ({"status": "draft"}, {"status": "open"}, "status: draft → open"),
        (None, {"reviewer": 7}, "reviewer: 7"),
        (None, ["title_en", "title_zh"], "fields: title_en, title_zh"),
        ({"closes_at": "2026-09-01"}, {}, "closes_at: 2026-09-01 → none"),
        (None, {"fair": True, "run": 3}, "fair: yes; run: 3"),
        (None, {"order": list(range(8))}, "order: 8 items"),
        (None, {"note": ""}, "note: —"),
        (None, {"text": "x" * 100}, "text: " + "x" * 79 + "…"),
        (None, {"province": {"code": "310000"}}, "province: code=310000"),
    ],
    ids=[
        "nothing",
        "before-and-after",
        "after-only",
        "list-of-fields",
        "removed",
        "booleans",
        "long-list",
        "empty",
        "long-text",
        "nested",
    ],
)
def test_a_change_reads_as_key_old_and_new(before, after, expected):
    with translation.override("en"):
        assert change_text(before, after) == expected


def test_the_description_is_in_the_readers_language():
    with translation.override("en"):
        assert describe("call.opened", {"status": "draft"}, {"status": "open"}) == (
            "Call opened: status: draft → open"
        )
    with translation.override("zh-hans"):
        assert describe("call.opened", None, None) == "指南已发布"


def test_an_unknown_action_is_shown_as_it_is():
    assert action_label("legacy.thing") == "legacy.thing"
