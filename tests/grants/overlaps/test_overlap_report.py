"""`manage.py overlap_report`: a call's overlaps as pairs, for batch use."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from grants.models import ExternalRecord, OverlapFlag, OverlapRun, Role
from grants.models.overlaps import FlagStatus
from tests.factories import make_call, make_user
from tests.grants.overlaps.corpus_abstracts_en import ABSTRACTS_EN
from tests.grants.overlaps.factories_overlapcheck import submitted

pytestmark = pytest.mark.usefixtures("reference")


def report(*args):
    out = StringIO()
    call_command("overlap_report", *args, stdout=out)
    return out.getvalue()


def test_without_a_finished_run_it_checks_the_call_and_prints_the_pairs_best_first():
    call = make_call(code="2026-overlap")
    first = submitted(call, 3)
    copy = submitted(call, 3)
    submitted(call, 7)
    ExternalRecord.objects.create(
        programme="NSFC",
        reference="62376001",
        title_en=ABSTRACTS_EN[7][1],
        abstract_en=ABSTRACTS_EN[7][2][:400],
        pi_name="Li Na",
        institution_name="Nanjing University",
        amount=Decimal("500000"),
        start_year=2023,
        end_year=2026,
        imported_by=make_user(roles=[Role.FUND_OFFICER]),
    )
    pairs = json.loads(report("--call", "2026-overlap", "--json"))["pairs"]
    assert {"a": copy.reference, "b": first.reference, "kind": "text", "score": 1.0} in pairs
    assert any(p["b"] == "NSFC 62376001" and p["kind"] == "text" for p in pairs)
    assert [p["score"] for p in pairs] == sorted((p["score"] for p in pairs), reverse=True)
    assert all(p["score"] >= 0.3 for p in pairs)
    assert not OverlapRun.objects.exists()  # run here and now, not in the background
    # --min-score leaves out what scores less.
    high = json.loads(report("--call", "2026-overlap", "--json", "--min-score", "0.99"))["pairs"]
    assert high and all(p["score"] >= 0.99 for p in high)


def test_with_a_finished_run_it_reads_the_flags_and_leaves_out_the_cleared():
    call = make_call(code="2026-read")
    first, copy = submitted(call, 11), submitted(call, 11)
    officer = make_user(roles=[Role.FUND_OFFICER])
    OverlapRun.objects.create(call=call, started_by=officer, status=OverlapRun.Status.DONE)
    assert json.loads(report("--call", "2026-read", "--json")) == {"pairs": []}  # nothing run
    for language, status in (("zh", FlagStatus.CLEARED), ("en", FlagStatus.DUPLICATE)):
        OverlapFlag.objects.create(
            call=call,
            proposal=copy,
            other_proposal=first,
            kind="text",
            key=f"text:{language}:proposal:{first.pk}",
            score=Decimal("0.870"),
            language=language,
            status=status,
        )
    assert json.loads(report("--call", "2026-read", "--json")) == {
        "pairs": [{"a": copy.reference, "b": first.reference, "kind": "text", "score": 0.87}]
    }
    assert report("--call", "2026-read").split("\t") == [
        "0.870",
        "text",
        copy.reference,
        first.reference + "\n",
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--call", "no-such-call", "--json"], "no call with the code no-such-call"),
        (["--call", "x", "--min-score", "1.5"], "--min-score must be between 0 and 1"),
    ],
)
def test_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        report(*args)
