import json

from django.core.management.base import BaseCommand, CommandError

from grants.models import Call
from grants.overlaps.checks import PAGE_MIN_SCORE
from grants.overlaps.report import overlap_pairs


class Command(BaseCommand):
    help = (
        "Print a call's likely overlaps (text, people, teams, running projects, instruments), "
        "best first; runs the check first when the call has no finished one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--call", required=True, help="the call's code, e.g. 2026-info")
        parser.add_argument("--json", action="store_true", help='print {"pairs": [...]}')
        parser.add_argument(
            "--min-score",
            type=float,
            default=PAGE_MIN_SCORE,
            help=f"the lowest score shown, 0 to 1 (default {PAGE_MIN_SCORE})",
        )

    def handle(self, *args, call, json: bool, min_score, **options):
        if not 0 <= min_score <= 1:
            raise CommandError("--min-score must be between 0 and 1")
        found = Call.objects.filter(code=call).first()
        if found is None:
            raise CommandError(f"no call with the code {call}")
        pairs = overlap_pairs(found, min_score)
        if json:
            self.stdout.write(_dumps({"pairs": pairs}))
            return
        for pair in pairs:
            self.stdout.write(f"{pair['score']:.3f}\t{pair['kind']}\t{pair['a']}\t{pair['b']}")


def _dumps(value):
    return json.dumps(value, ensure_ascii=False, indent=2)
