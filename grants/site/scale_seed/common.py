"""What every stage of the scale seed shares: the seeder's state, the queue of rows and
their bulk insertion, the audit entries, and the small helpers the stages use."""

import random
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from decimal import Decimal

from allauth.mfa.utils import encrypt
from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from grants.models import AuditEntry
from grants.site.demo.people import password_hash
from reviews import scoring
from reviews.criteria import DEFAULT_CRITERIA

PREFIX = "scale."
K = 3  # reviewers per proposal


def money(yuan: int) -> Decimal:
    return Decimal(f"{yuan}.00")


def beijing(moment):
    return timezone.localtime(moment)


@contextmanager
def explicit_timestamps(model_list):
    """Let bulk_create keep the timestamps we give instead of stamping "now" on every row."""
    fields = [
        field
        for model in model_list
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield fields
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class SeederBase:
    """The seeder's state and plumbing; the stages (the other modules of this package) add
    their steps as mixins on top of it."""

    def __init__(self, *, proposals, reviewers, seed, write):
        self.n_proposals, self.n_reviewers = proposals, reviewers
        self.rng = random.Random(seed)
        self.seed = seed
        self.write = write
        self.now = timezone.now().replace(microsecond=0)
        self.rows = defaultdict(list)
        self.next_id = {}
        self.counters = {}
        self.stats = Counter()
        self.password = password_hash()
        self.with_totp = set()
        self.totp_secret = encrypt(settings.DEMO_TOTP_SECRET)

    # ---- plumbing ---------------------------------------------------------------------------

    def new(self, model, /, **fields):
        """An unsaved row with the next primary key, queued for insertion."""
        if model not in self.next_id:
            self.next_id[model] = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        row = model(pk=self.next_id[model], **fields)
        self.next_id[model] += 1
        self.rows[model].append(row)
        return row

    def link(self, through, **fields):
        self.rows[through].append(through(**fields))

    def update_columns(self, model, rows, names):
        """Write ``names`` of rows already inserted: one prepared UPDATE run for every row.
        Django's bulk_update builds a CASE WHEN per row and column instead, which took longer
        than computing the values (half a minute for the scores on PostgreSQL)."""
        fields = [model._meta.get_field(name) for name in names]
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        sql = (
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} "
            f"WHERE {quote(model._meta.pk.column)} = %s"
        )
        values = [
            [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields]
            + [row.pk]
            for row in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)

    def flush(self, *model_list):
        """Insert the queued rows, parents before children (``model_list`` is in that order)."""
        with explicit_timestamps(model_list) as stamped:
            for model in model_list:
                rows = self.rows.pop(model, [])
                for field in stamped:
                    if field.model is model:
                        for row in rows:
                            if getattr(row, field.attname) is None:
                                setattr(row, field.attname, self.now)
                batch = max(100, min(2000, 30000 // len(model._meta.concrete_fields)))
                model.objects.bulk_create(rows, batch_size=batch)
                self.stats[model._meta.label] += len(rows)

    @contextmanager
    def stage(self, name):
        # CPU time too: on a shared machine the wall clock also counts other people's work.
        started, cpu = time.perf_counter(), time.process_time()
        yield
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        self.write(f"  {name:<34} {wall:7.1f} s  (CPU {cpu:5.1f} s)")

    def audit(self, action, at, actor=None, proposal=None, call=None, **details):
        self.new(
            AuditEntry,
            at=at,
            actor_id=actor.pk if actor else None,
            action=action,
            proposal_id=proposal.pk if proposal else None,
            call_id=call.pk if call else proposal.call_id,
            **details,
        )


def seeded_criteria():
    """The criteria every seeded call has: the fund's defaults."""
    return tuple(
        scoring.Criterion(key, weight, Decimal("3.0")) for key, _zh, _en, weight in DEFAULT_CRITERIA
    )
