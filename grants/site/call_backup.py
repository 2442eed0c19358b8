"""Write one call's complete data (JSON plus attachments) to a folder, and restore it into an
empty database: a backup of one call that can be inspected, moved or archived on its own.

The database is backed up whole with pg_dump (README.md, "Backups"); this is the finer tool.
Restoring keeps every primary key, which is why it needs an empty database.
"""

import json
import shutil
from datetime import datetime, time
from pathlib import Path

from allauth.account.models import EmailAddress
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Q

from grants.models import (
    AuditEntry,
    AvoidedExpert,
    AwardShare,
    BudgetLine,
    Call,
    ConsortiumMember,
    Contribution,
    Decision,
    Discipline,
    FundingRound,
    Institution,
    Invitation,
    Payment,
    Proposal,
    Province,
    ProvincialConfirmation,
    RoleGrant,
    TeamMember,
    User,
)
from grants.models.calls import DeadlineExtension
from grants.models.proposals import ReferenceCounter
from reviews.models import (
    Assignment,
    AssignmentRun,
    Criterion,
    DeclaredConflict,
    Panel,
    PanelEntry,
    Review,
    ReviewerProfile,
)

DATA_FILE = "call.json"
ATTACHMENTS = "attachments"
FORMAT_VERSION = 1


class BackupError(Exception):
    pass


class ExactEncoder(DjangoJSONEncoder):
    """Like Django's JSON encoder, but times keep their microseconds: a restore is exact."""

    def default(self, o):
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def call_querysets(call):
    """Every row that belongs to ``call``, parents before children."""
    proposals = Proposal.objects.filter(call=call)
    members = ConsortiumMember.objects.filter(proposal__in=proposals)
    decisions = Decision.objects.filter(round__call=call)
    shares = AwardShare.objects.filter(decision__in=decisions)
    assignments = Assignment.objects.filter(call=call)
    return [
        Call.objects.filter(pk=call.pk),
        Contribution.objects.filter(call=call),
        DeadlineExtension.objects.filter(call=call),
        Criterion.objects.filter(call=call),
        ReferenceCounter.objects.filter(year=call.year),
        proposals,
        members,
        Invitation.objects.filter(member__in=members),
        TeamMember.objects.filter(member__in=members),
        BudgetLine.objects.filter(member__in=members),
        AvoidedExpert.objects.filter(proposal__in=proposals),
        AssignmentRun.objects.filter(call=call),
        assignments,
        Review.objects.filter(assignment__in=assignments),
        DeclaredConflict.objects.filter(proposal__in=proposals),
        Panel.objects.filter(call=call),
        PanelEntry.objects.filter(panel__call=call),
        FundingRound.objects.filter(call=call),
        decisions,
        shares,
        Payment.objects.filter(share__in=shares),
        ProvincialConfirmation.objects.filter(call=call),
        AuditEntry.objects.filter(Q(call=call) | Q(proposal__in=proposals)),
    ]


def people_of(call):
    """Everyone the call's rows point at: applicants, reviewers, panels and officers."""
    ids = set()
    proposals = Proposal.objects.filter(call=call)
    ids |= set(proposals.values_list("lead_id", flat=True))
    ids |= set(
        ConsortiumMember.objects.filter(proposal__in=proposals).values_list("pi_id", flat=True)
    )
    ids |= set(
        Invitation.objects.filter(member__proposal__in=proposals).values_list(
            "invited_by_id", flat=True
        )
    )
    ids |= set(Assignment.objects.filter(call=call).values_list("reviewer_id", flat=True))
    ids |= set(AssignmentRun.objects.filter(call=call).values_list("created_by_id", flat=True))
    ids |= set(
        DeclaredConflict.objects.filter(proposal__in=proposals).values_list(
            "reviewer_id", flat=True
        )
    )
    panels = Panel.objects.filter(call=call)
    ids |= set(panels.values_list("chair_id", flat=True)) | set(
        panels.values_list("locked_by_id", flat=True)
    )
    ids |= set(panels.values_list("members", flat=True))
    ids |= set(FundingRound.objects.filter(call=call).values_list("committed_by_id", flat=True))
    ids |= set(
        ProvincialConfirmation.objects.filter(call=call).values_list("confirmed_by_id", flat=True)
    )
    ids |= set(DeadlineExtension.objects.filter(call=call).values_list("by_id", flat=True))
    ids |= set(
        AuditEntry.objects.filter(Q(call=call) | Q(proposal__in=proposals)).values_list(
            "actor_id", flat=True
        )
    )
    ids.discard(None)
    users = User.objects.filter(pk__in=ids)
    return [
        users,
        EmailAddress.objects.filter(user__in=users),
        RoleGrant.objects.filter(user__in=users),
        ReviewerProfile.objects.filter(user__in=users),
    ]


def export_call(call, folder) -> dict:
    """Write the call to ``folder`` (created; must not exist yet). Returns the counts."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty")
    (folder / ATTACHMENTS).mkdir(parents=True, exist_ok=True)
    groups = [
        Province.objects.all(),
        Discipline.objects.order_by("code"),
        Institution.objects.all(),
    ]
    groups += people_of(call) + call_querysets(call)
    objects, counts = [], {}
    for queryset in groups:
        rows = list(queryset.order_by("pk"))
        if rows:
            counts[rows[0]._meta.label] = counts.get(rows[0]._meta.label, 0) + len(rows)
        objects.extend(rows)
    files = _copy_attachments(call, folder / ATTACHMENTS)
    payload = {
        "format": FORMAT_VERSION,
        "call": call.code,
        "files": files,
        "objects": serializers.serialize("python", objects),
    }
    text = json.dumps(payload, ensure_ascii=False, indent=1, cls=ExactEncoder)
    (folder / DATA_FILE).write_text(text, encoding="utf-8")
    return {**counts, "attachments": len(files)}


def _copy_attachments(call, target):
    """The live narrative PDFs and the ones frozen in snapshots, each copied once."""
    live = set(Proposal.objects.filter(call=call).values_list("narrative_pdf", flat=True))
    files = []
    for path in sorted((live | _snapshot_paths(call)) - {""}):
        if default_storage.exists(path):
            destination = target / path
            destination.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(path, "rb") as source, open(destination, "wb") as out:
                shutil.copyfileobj(source, out)
            files.append(path)
    return files


def _snapshot_paths(call):
    return {
        (snapshot or {}).get("narrative_pdf", "")
        for snapshot in Proposal.objects.filter(call=call).values_list("snapshot", flat=True)
    }


def database_is_empty():
    return not (User.objects.exists() or Call.objects.exists() or Province.objects.exists())


@transaction.atomic
def import_call(folder) -> dict:
    """Restore a folder written by export_call into an empty database."""
    folder = Path(folder)
    if not database_is_empty():
        raise BackupError("import_call restores into an empty database (migrated, with no data)")
    try:
        payload = json.loads((folder / DATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"cannot read {folder / DATA_FILE}: {error}") from error
    if payload.get("format") != FORMAT_VERSION:
        raise BackupError(f"unknown backup format {payload.get('format')!r}")
    counts = {}
    with connection.constraint_checks_disabled():
        for item in serializers.deserialize("python", payload["objects"]):
            item.save()
            counts[item.object._meta.label] = counts.get(item.object._meta.label, 0) + 1
    connection.check_constraints()
    _reset_sequences(counts)
    for path in payload["files"]:
        _restore_attachment(path, folder / ATTACHMENTS / path)
    return {**counts, "attachments": len(payload["files"])}


def _restore_attachment(path, backed_up):
    """Put a file back under its own name in the storage (local disk or object storage): the
    restored rows refer to it by that name. The database was empty, so a file already there
    belongs to nothing, and the backup's copy replaces it rather than landing beside it."""
    if default_storage.exists(path):
        default_storage.delete(path)
    with open(backed_up, "rb") as source:
        saved = default_storage.save(path, source)
    if saved != path:
        raise BackupError(f"the storage kept {path} as {saved}")


def _reset_sequences(counts):
    """PostgreSQL's id sequences must continue after the restored primary keys."""
    from django.apps import apps
    from django.core.management.color import no_style

    models = [apps.get_model(label) for label in counts]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
