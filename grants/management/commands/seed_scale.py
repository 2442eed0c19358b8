"""``manage.py seed_scale --proposals 20000 --reviewers 5000 --seed 1``: the large dataset
for benchmarks, built by grants.site.scale_seed (which says how and why)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings

from grants.site.scale_seed import Seeder
from grants.site.scale_seed.common import PREFIX


class Command(BaseCommand):
    help = (
        "Build a large, realistic dataset with bulk inserts (bypassing the per-object "
        "workflow) for benchmarks: calls, consortia, budgets, submitted and screened "
        "proposals, reviewers, assignments, reviews, locked panels and a decided call."
    )

    def add_arguments(self, parser):
        parser.add_argument("--proposals", type=int, default=20_000)
        parser.add_argument("--reviewers", type=int, default=5_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, proposals, reviewers, seed, **options):
        if proposals < 10 or reviewers < 10:
            raise CommandError("Give at least 10 proposals and 10 reviewers.")
        write = self.stdout.write
        write(
            f"Seeding {proposals:,} proposals and {reviewers:,} reviewers (seed {seed}) on {connection.vendor}:"
        )
        started, cpu = time.perf_counter(), time.process_time()
        seeder = Seeder(proposals=proposals, reviewers=reviewers, seed=seed, write=write)
        # With DEBUG on, Django keeps and formats every statement it runs: with bulk inserts of
        # thousands of values that costs more than the inserts themselves.
        with override_settings(DEBUG=False), transaction.atomic():
            seeder.run()
        seeder.gather_statistics()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        write(f"  {'total':<34} {wall:7.1f} s  (CPU {cpu:5.1f} s)")
        write(
            "Rows: "
            + ", ".join(
                f"{label} {count:,}"
                for label, count in sorted(seeder.stats.items())
                if "." in label
            )
        )
        write(
            f"Sign in as {PREFIX}officer@example.org, {PREFIX}chair@example.org, "
            f"{PREFIX}reviewer00001@example.org or {PREFIX}lead00001@example.org "
            "(the demo password)."
        )
