"""The overlap check of a call: its received proposals against the whole fund (every other
received proposal of this call and earlier ones, the funded ones marked), the external records
and the shared instrument catalogue, written as OverlapFlag rows the office screens.

- ``find_overlaps(call, progress=None)``: the overlaps found, as a list of ``Found`` (plain
  values naming the rows), without writing anything;
- ``write_flags(call, found)``: the flags of the call made to match ``found``, by key: a flag
  found again is updated in place and keeps its screening (status, reason, who and when);
  an open flag no longer found is removed; a cleared or duplicate one is kept;
- ``check_call(call, progress=None)``: both; returns {"found", "created", "updated", "unchanged", "removed"};
- ``run_overlap_check(run)``: ``check_call`` for an OverlapRun, its status and done/total kept
  as it goes (what the background task runs);
- ``overlap_check_start(call, actor)``: a new queued run, enqueued after the commit; refused
  (WorkflowError, code "running") while one of the call is queued or running; a run queued
  or running for over LOST_AFTER is marked failed (error reviews.models.WORKER_LOST) first.

Keys of the flags: "text:<zh|en>:proposal:<pk>", "text:<zh|en>:external:<pk>",
"person:<led|participations>:<identity>", "team:proposal:<pk>",
"running_project:project:<pk>", "running_project:external:<pk>" (another funder's running
project of the same PI), "instrument:line:<pk>:ref:<catalogue number>".

Evidence: text {"passages": [[passage of the proposal, passage of the other], ...], "spans":
[[start_a, end_a, start_b, end_b], ...] (offsets into corpus.proposal_texts /
corpus.record_texts of the language), "funded": bool}; person {"name", "limit" ("led" or
"participations"), "allowed", "count", "refs" (the proposals' reference numbers and the
running projects as "project:<pk>"), "basis" (people_overlap.MATCHES), "people" (the accounts
or identities joined)}; team {"shared", "jaccard"}; running_project {"project",
"people", "text_score"}; instrument {"instrument", "amount", "threshold", "catalogue", "reason" (the applicant's, why the shared one cannot serve)}.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.core.audit import record
from grants.core.errors import WorkflowError
from grants.models import BudgetCategory, BudgetLine, OverlapFlag, OverlapRun, SharedInstrument
from grants.models.overlaps import FlagStatus, OverlapKind
from grants.overlaps import corpus, instrument_match, people_overlap, text_overlap
from reviews.jobs import enqueue
from reviews.models import WORKER_LOST

OVERLAP_CHECK = "overlap_check"  # the background task's name (reviews.jobs)
# The pairs a PI's running project must share to be flagged: less than a plain text overlap,
# since the same person asks again.
RUNNING_PROJECT_THRESHOLD = 0.2
# The lowest score the office's page and `overlap_report` show by default.
PAGE_MIN_SCORE = text_overlap.THRESHOLD
PASSAGES_KEPT = 20
BATCH = 500  # proposals compared between two progress reports
ACTIVE = (OverlapRun.Status.QUEUED, OverlapRun.Status.RUNNING)
# A whole call takes a minute or two; a run still queued or running after this lost its worker
# (OverlapRun keeps no heartbeat) and no longer holds up a new one.
LOST_AFTER = timedelta(hours=1)


@dataclass
class Found:
    proposal_id: int
    kind: str
    key: str
    score: float
    language: str = ""
    other_proposal_id: int | None = None
    external_record_id: int | None = None
    instrument_id: int | None = None
    budget_line_id: int | None = None
    evidence: dict = field(default_factory=dict)


def _pk(key):
    return int(key.rpartition(":")[2])


def find_overlaps(call, progress=None):
    """Every overlap of ``call``'s received proposals (see the module's docstring); calls
    ``progress(done, total)`` as the proposals are compared."""
    report = progress or (lambda done, total: None)
    checked = list(corpus.received_proposals(call))
    total = len(checked)
    report(0, total)
    if not checked:
        return []
    fund = list(corpus.received_proposals())
    texts = corpus.proposal_text_map(fund)
    texts.update(corpus.external_text_map())
    funded = corpus.funded_proposal_ids()
    queries = corpus.documents(
        {corpus.proposal_key(p.pk): texts[corpus.proposal_key(p.pk)] for p in checked}
    )
    everything = corpus.documents(texts)
    low = min(text_overlap.THRESHOLD, RUNNING_PROJECT_THRESHOLD)
    pairs, compared = [], 0
    for language in text_overlap.LANGUAGES:
        index = text_overlap.TextIndex(everything, language)
        mine = [d for d in queries if d.language == language]
        for start in range(0, len(mine), BATCH):
            pairs += index.pairs(mine[start : start + BATCH], threshold=low)
            compared += len(mine[start : start + BATCH])
            report(total * compared // max(1, len(queries)), total)
    found = _text_flags(pairs, texts, funded, {p.pk for p in checked})
    found += _people_flags(call, checked, funded, pairs)
    found += _instrument_flags(call)
    report(total, total)
    return found


def _text_flags(pairs, texts, funded, checked_ids):
    found, seen = [], set()
    for pair in pairs:
        if pair.score < text_overlap.THRESHOLD:
            continue
        a, b = pair.a, pair.b
        if b.startswith("proposal:") and _pk(b) in checked_ids and _pk(b) > _pk(a):
            a, b = b, a  # within the call: the flag goes on the later proposal
        if (a, b, pair.language) in seen:  # compared from both sides, in different batches
            continue
        seen.add((a, b, pair.language))
        text_a, text_b = texts[a][pair.language], texts[b][pair.language]
        spans = text_overlap.shared_passages(text_a, text_b, pair.language)[:PASSAGES_KEPT]
        is_external = b.startswith("external:")
        found.append(
            Found(
                proposal_id=_pk(a),
                kind=OverlapKind.TEXT,
                key=f"text:{pair.language}:{b}",
                score=pair.score,
                language=pair.language,
                other_proposal_id=None if is_external else _pk(b),
                external_record_id=_pk(b) if is_external else None,
                # The page's shape (grants.overlaps.screening): both texts and the spans in them.
                evidence={
                    "text_a": text_a,
                    "text_b": text_b,
                    "passages": [[text_a[sa:ea], text_b[sb:eb]] for sa, ea, sb, eb in spans],
                    "spans": [list(span) for span in spans],
                    "funded": not is_external and _pk(b) in funded,
                },
            )
        )
    return found


def _people_flags(call, checked, funded, pairs):
    running = corpus.running_projects()
    checked_ids = {p.pk for p in checked}
    running = {ref: pk for ref, pk in running.items() if pk not in checked_ids}
    # Teams are compared within the call and with the teams the fund already pays.
    team_ids = checked_ids | funded | set(running.values())
    members = corpus.members_of(team_ids)
    refs = {pk: corpus.proposal_key(pk) for pk in checked_ids}
    refs.update({pk: ref for ref, pk in running.items()})
    references = dict(
        corpus.received_proposals().filter(pk__in=list(team_ids)).values_list("pk", "reference")
    )
    identity, _basis = people_overlap.identities(
        person for rows in members.values() for _, _, person in rows if person
    )
    names = {
        identity[person.key]: person.name
        for rows in members.values()
        for _, _, person in rows
        if person
    }
    found = []
    for excess in people_overlap.beyond_limits(
        corpus.holdings(members, refs), call.max_led_per_pi, call.max_participations_per_pi
    ):
        named = [
            references.get(_pk(ref)) if ref.startswith("proposal:") else ref for ref in excess.refs
        ]
        for ref in excess.refs:
            if ref.startswith("proposal:") and _pk(ref) in checked_ids:
                found.append(
                    Found(
                        proposal_id=_pk(ref),
                        kind=OverlapKind.PERSON,
                        key=f"person:{excess.limit}:{excess.identity}"[:120],
                        score=excess.score,
                        evidence={
                            "name": excess.name,
                            "limit": excess.limit,
                            "allowed": excess.allowed,
                            "count": len(excess.refs),
                            "refs": named,
                            "basis": excess.basis,
                            "people": [{"name": excess.name, "matched_by": excess.basis}],
                            "proposals": [ref for ref in named if ref],
                        },
                    )
                )
    teams = {
        pk: {f"institution:{inst}" for inst, _, _ in rows}
        | {identity[person.key] for _, _, person in rows if person}
        for pk, rows in members.items()
        if rows
    }
    for a, b, score in people_overlap.team_overlaps(
        teams, [pk for pk in checked_ids if pk in teams]
    ):
        if b in checked_ids and b > a:
            a, b = b, a
        found.append(
            Found(
                proposal_id=a,
                kind=OverlapKind.TEAM,
                key=f"team:proposal:{b}",
                score=score,
                other_proposal_id=b,
                evidence={
                    "shared": sorted(teams[a] & teams[b]),
                    "jaccard": score,
                    "proposals": [references[pk] for pk in (a, b) if references.get(pk)],
                },
            )
        )
    scores = {}
    for pair in pairs:
        for x, y in ((pair.a, pair.b), (pair.b, pair.a)):
            if x.startswith("proposal:") and y.startswith("proposal:"):
                scores[(_pk(x), _pk(y))] = max(scores.get((_pk(x), _pk(y)), 0), pair.score)
    project_of = {pk: ref for ref, pk in running.items()}
    text_scores = {
        (corpus.proposal_key(a), project_of[b]): s
        for (a, b), s in scores.items()
        if b in project_of
    }
    pis = {
        ref: {identity[person.key] for _, _, person in members.get(pk, []) if person}
        for pk, ref in refs.items()
    }
    proposals = {ref: people for ref, people in pis.items() if ref.startswith("proposal:")}
    projects = {ref: people for ref, people in pis.items() if ref.startswith("project:")}
    for ref, project, score, shared in people_overlap.running_project_overlaps(
        proposals, projects, text_scores, RUNNING_PROJECT_THRESHOLD
    ):
        found.append(
            Found(
                proposal_id=_pk(ref),
                kind=OverlapKind.RUNNING_PROJECT,
                key=f"running_project:{project}",
                score=score,
                other_proposal_id=running[project],
                evidence={
                    "project": project,
                    "people": [{"name": names.get(key, key)} for key in sorted(shared)],
                    "text_score": score,
                    "proposals": [
                        references[pk] for pk in (_pk(ref), running[project]) if references.get(pk)
                    ],
                },
            )
        )
    return found + _external_project_flags(checked_ids, members, references, pairs)


def _external_project_flags(checked_ids, members, references, pairs):
    """A PI of a checked proposal holding another funder's running project (an external
    record still running this year) whose text overlaps it: the same person (ORCID, or name
    and institution) asking the fund for what is already paid for."""
    scores = {}
    for pair in pairs:
        for mine, other in ((pair.a, pair.b), (pair.b, pair.a)):
            if mine.startswith("proposal:") and other.startswith("external:"):
                if _pk(mine) in checked_ids and pair.score >= RUNNING_PROJECT_THRESHOLD:
                    key = (_pk(mine), _pk(other))
                    scores[key] = max(scores.get(key, 0.0), pair.score)
    holders = corpus.running_external_pis({record for _, record in scores})
    found = []
    for (proposal_id, record_id), score in sorted(scores.items()):
        if record_id not in holders:
            continue
        shared = []
        for *_member, person in members.get(proposal_id, []):
            match = person and people_overlap.same_person(person, holders[record_id])
            if match and match[0] >= 0.9:
                shared.append({"name": person.name, "matched_by": match[1]})
        if shared:
            found.append(
                Found(
                    proposal_id=proposal_id,
                    kind=OverlapKind.RUNNING_PROJECT,
                    key=f"running_project:{corpus.external_key(record_id)}",
                    score=score,
                    external_record_id=record_id,
                    evidence={
                        "project": corpus.external_key(record_id),
                        "people": shared,
                        "text_score": score,
                        "proposals": [references[proposal_id]]
                        if references.get(proposal_id)
                        else [],
                    },
                )
            )
    return found


def _instrument_flags(call):
    catalogue = list(SharedInstrument.objects.order_by("pk"))
    if not catalogue:
        return []
    lines = (
        BudgetLine.objects.filter(
            member__proposal__call=call,
            member__proposal__status__in=corpus.RECEIVED,
            category=BudgetCategory.EQUIPMENT,
            # Strictly above, as the draft asks (grants.proposals.instrument_rules).
            amount__gt=call.instrument_threshold,
        )
        .exclude(instrument="")
        .select_related("member")
        .order_by("pk")
    )
    found = []
    for line in lines:
        for entry, score in instrument_match.matches(line.instrument, catalogue, limit=1):
            found.append(
                Found(
                    proposal_id=line.member.proposal_id,
                    kind=OverlapKind.INSTRUMENT,
                    key=f"instrument:line:{line.pk}:ref:{entry.catalogue_ref}"[:120],
                    score=score,
                    instrument_id=entry.pk,
                    budget_line_id=line.pk,
                    evidence={
                        "instrument": line.instrument,
                        "amount": str(line.amount),
                        "threshold": str(call.instrument_threshold),
                        "catalogue": str(entry),
                        "reason": line.shared_instrument_reason,
                    },
                )
            )
    return found


FIELDS = (
    "kind",
    "score",
    "language",
    "other_proposal_id",
    "external_record_id",
    "instrument_id",
    "budget_line_id",
    "evidence",
)


@transaction.atomic
def write_flags(call, found):
    """Make the call's flags match ``found`` (see the module's docstring). Returns
    {"found", "created", "updated", "unchanged", "removed"}."""
    existing = _stored_fingerprints(call)
    created, updated, unchanged = [], [], 0
    for item in found:
        values = _stored_values(item)
        stored = existing.pop((item.proposal_id, item.key), None)
        if stored is None:
            created.append(
                OverlapFlag(call=call, proposal_id=item.proposal_id, key=item.key, **values)
            )
        elif stored.fingerprint == _fingerprint(values):
            # A re-run of an unchanged call writes nothing: rewriting every flag of a large
            # call took most of a re-run's time.
            unchanged += 1
        else:
            # Only the found fields are written: the screening (status, reason, who and when)
            # stays as the office left it.
            updated.append(OverlapFlag(pk=stored.pk, updated_at=timezone.now(), **values))
    OverlapFlag.objects.bulk_create(created, batch_size=500)
    OverlapFlag.objects.bulk_update(updated, [*FIELDS, "updated_at"], batch_size=500)
    gone = [stored.pk for stored in existing.values() if stored.status == FlagStatus.OPEN]
    for start in range(0, len(gone), 5000):  # SQLite caps the parameters of one statement
        OverlapFlag.objects.filter(pk__in=gone[start : start + 5000]).delete()
    return {
        "found": len(found),
        "created": len(created),
        "updated": len(updated),
        "unchanged": unchanged,
        "removed": len(gone),
    }


@dataclass(frozen=True, slots=True)
class _Stored:
    pk: int
    status: str
    fingerprint: str


def _stored_fingerprints(call):
    """The call's flags by (proposal, key), each reduced to a fingerprint of its found fields.

    Read one row at a time and never kept whole: a large call's flags carry a few KB of
    passages each, and holding them all to compare took more memory than finding them."""
    rows = OverlapFlag.objects.filter(call=call).values_list(
        "pk", "proposal_id", "key", "status", *FIELDS
    )
    stored = {}
    for pk, proposal_id, key, status, *found_fields in rows.iterator(chunk_size=2000):
        values = dict(zip(FIELDS, found_fields, strict=True))
        stored[(proposal_id, key)] = _Stored(pk, status, _fingerprint(values))
    return stored


def _stored_values(item):
    """The found fields of ``item`` as a flag stores them."""
    values = {name: getattr(item, name) for name in FIELDS}
    values["score"] = Decimal(str(round(min(1.0, max(0.0, item.score)), 3)))
    # As stored (tuples become lists), so that a flag found as it was is seen unchanged.
    values["evidence"] = json.loads(json.dumps(values["evidence"]))
    return values


def _fingerprint(values):
    """A digest of a flag's found fields: equal exactly when the fields are equal."""
    comparable = {**values, "score": f"{Decimal(values['score']):.3f}"}
    text = json.dumps(comparable, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def check_call(call, progress=None):
    """Find and write the overlaps of ``call``; returns write_flags' counts."""
    return write_flags(call, find_overlaps(call, progress))


def run_overlap_check(run):
    """Run ``run`` (an OverlapRun): running, done/total as the proposals are compared, then
    done (or failed, with the error, which is raised again)."""
    OverlapRun.objects.filter(pk=run.pk).update(status=OverlapRun.Status.RUNNING, error="")

    def progress(done, total):
        OverlapRun.objects.filter(pk=run.pk).update(done=done, total=total)

    try:
        counts = check_call(run.call, progress)
    except Exception as error:  # the officer must learn that it failed, whatever the cause
        OverlapRun.objects.filter(pk=run.pk).update(
            status=OverlapRun.Status.FAILED, error=str(error)[:300], finished_at=timezone.now()
        )
        raise
    OverlapRun.objects.filter(pk=run.pk).update(
        status=OverlapRun.Status.DONE, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return counts


@transaction.atomic
def overlap_check_start(call, actor):
    """A new run of ``call``'s check, queued in the background once the transaction commits.
    Refused while another run of the call is queued or running, unless that one has been so
    for LOST_AFTER: it lost its worker and is marked failed."""
    list(type(call).objects.select_for_update().filter(pk=call.pk))  # one start at a time
    active = OverlapRun.objects.filter(call=call, status__in=ACTIVE)
    active.filter(created_at__lt=timezone.now() - LOST_AFTER).update(
        status=OverlapRun.Status.FAILED, error=WORKER_LOST, finished_at=timezone.now()
    )
    if active.exists():
        raise WorkflowError(
            _("An overlap check of this call is already under way."), code="running"
        )
    run = OverlapRun.objects.create(call=call, started_by=actor)
    record(actor=actor, action="overlap.check_started", call=call, after={"run": run.pk})
    transaction.on_commit(lambda: enqueue(OVERLAP_CHECK, run.pk))
    return run
