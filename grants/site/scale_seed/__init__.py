"""The scale seed: a large, realistic dataset for benchmarks, built by ``manage.py seed_scale
--proposals 20000 --reviewers 5000 --seed 1``.

Three calls: one open (drafts and fresh submissions), one in its panel stage (most of the
proposals: submitted, screened, assigned, reviewed, ranked by locked panels) and one decided
the year before (funding committed, confirmed by the provinces, the first year paid). Consortia
have 2-4 members, mostly from the four funding provinces, some unfunded partners from
elsewhere; every member has a PI, a team and budget lines.

The rows are written with ``bulk_create`` and explicit primary keys, NOT through the
workflows (grants.calls.call_workflow, grants.proposals.proposal_workflow, reviews.workflow):
those lock, check, audit and e-mail one object at a time, which is right for people and far too slow for 20,000 proposals (each submission alone
takes a row lock, a reference counter and a snapshot read). The dataset has the same shapes
the workflow writes, built in memory instead:

- snapshots have exactly the keys and values of grants.proposals.snapshots.freeze;
- reference numbers follow grants.proposals.proposal_workflow.reference_number and the counters are advanced,
  so proposals submitted later get the next numbers;
- audit entries record creation, submission, screening, each submitted review, the calls'
  moves, the panels and the funding;
- panels are locked in the order reviews.ranking computes from the reviews;
- the decided call's decisions, shares and payments are what grants.funding.simulation.simulate gives
  and grants.funding.decisions.funding_commit writes.

Timestamps are set explicitly (the auto_now fields are switched off while writing), so
submissions, reviews and decisions fall in each call's real timeline. The same seed gives the
same data; run it on a database without a scale dataset.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection, models

from grants.models import RoleGrant, User
from grants.models.proposals import ReferenceCounter
from grants.site.scale_seed.assignments import AssignmentsStage
from grants.site.scale_seed.calls import CallsStage
from grants.site.scale_seed.common import PREFIX, SeederBase
from grants.site.scale_seed.funding import FundingStage
from grants.site.scale_seed.panels import PanelsStage
from grants.site.scale_seed.people import PeopleStage
from grants.site.scale_seed.proposals import ProposalsStage
from reviews.models import ReviewerProfile


class Seeder(
    PeopleStage,
    CallsStage,
    ProposalsStage,
    AssignmentsStage,
    PanelsStage,
    FundingStage,
    SeederBase,
):
    """The stages in their order, each a mixin of this package; ``run`` writes them all."""

    def finish(self):
        """Advance the reference counters and, on PostgreSQL, the primary-key sequences and
        the planner's statistics."""
        existing = {(c.year, c.area): c for c in ReferenceCounter.objects.all()}
        for (year, area), last in sorted(self.counters.items()):
            counter = existing.get((year, area))
            if counter is None:
                ReferenceCounter.objects.create(year=year, area=area, last=last)
            elif counter.last < last:
                ReferenceCounter.objects.filter(pk=counter.pk).update(last=last)
        seeded = [
            model
            for model in self.next_id
            if isinstance(model, type) and issubclass(model, models.Model)
        ]
        statements = connection.ops.sequence_reset_sql(no_style(), seeded)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def gather_statistics(self):
        """The tables' statistics for the query planner. On PostgreSQL also what autovacuum
        does to new tables some time later: until then the planner takes them for empty and
        picks plans that are slow at this size, and an index-only scan reads the table anyway
        (no visibility map). A database in use is in that state; a freshly seeded one is not
        until this runs."""
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            # VACUUM cannot run inside a transaction (a test's, say): ANALYZE alone then.
            statement = "ANALYZE"
        else:
            statement = "VACUUM ANALYZE"
        with self.stage(f"statistics ({statement})"), connection.cursor() as cursor:
            cursor.execute(statement)

    def run(self):
        if User.objects.filter(email=f"{PREFIX}officer@example.org").exists():
            raise CommandError("This database already holds a scale dataset; use a fresh one.")
        with self.stage("reference data"):
            self.load_reference()
        with self.stage("officers and reviewers"):
            self.seed_staff()
            self.seed_reviewers()
            self.flush(
                User,
                EmailAddress,
                User.disciplines.through,
                RoleGrant,
                Authenticator,
                ReviewerProfile,
            )
        with self.stage("calls"):
            self.seed_calls()
        with self.stage("proposals, consortia, budgets"):
            self.seed_proposals()
        with self.stage("assignments and reviews"):
            self.seed_reviews()
        with self.stage("panels and locked rankings"):
            self.seed_panels()
        with self.stage("funding of the decided call"):
            self.seed_funding()
        with self.stage("counters and sequences"):
            self.finish()
