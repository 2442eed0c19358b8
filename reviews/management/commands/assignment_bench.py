import json

from django.core.management.base import BaseCommand, CommandError

from reviews import randomized_assignment
from reviews.assignment import run_benchmark
from reviews.fair_assignment import FAIR_TIME_LIMIT


class Command(BaseCommand):
    help = (
        "Assign reviewers on a reviewers x papers affinity matrix (.npy with -1 for a conflict, "
        "or .npz with similarity_matrix and mask_matrix) and print one JSON line."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--k", type=int, default=3, help="reviewers per paper")
        parser.add_argument("--max-load", type=int, default=4)
        parser.add_argument("--min-load", type=int, default=0)
        parser.add_argument("--fair", action="store_true", help="raise the weakest paper first")
        parser.add_argument("--time-limit", type=float, default=FAIR_TIME_LIMIT)
        parser.add_argument(
            "--randomized",
            metavar="Q",
            help="cap every reviewer-paper probability at Q and draw an assignment",
        )
        parser.add_argument("--seed", type=int, default=0, help="the randomized draw's seed")

    def handle(self, *args, file, k, max_load, min_load, fair, time_limit, **options):
        try:
            if options["randomized"]:
                summary = randomized_assignment.run_benchmark(
                    file,
                    cap=options["randomized"],
                    seed=options["seed"],
                    k=k,
                    max_load=max_load,
                    min_load=min_load,
                )
                self.stdout.write(json.dumps(summary))
                return
            summary = run_benchmark(
                file,
                k=k,
                max_load=max_load,
                min_load=min_load,
                fair=fair,
                time_limit=time_limit,
            )
        except (OSError, KeyError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(summary))
