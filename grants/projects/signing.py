"""Signing the task book: each member institution accepts it through its PI, then each paying
province countersigns it through one of its provincial officers; the last signature starts the
project (grants.projects.project_workflow.project_start). The order and who must sign are the
rules of grants.projects.signing_rules.

A version made by an approved change (grants.projects.changes) is signed again by the parties
the change touches, while the project keeps running: its payments and reports go on under the
approved change, and the signatures make the new version binding on those it binds anew."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grants.accounts.permissions import officer_province_code
from grants.core.audit import record
from grants.core.compiled_queries import CompiledQuery
from grants.core.emails import send_on_commit
from grants.core.errors import WorkflowError
from grants.models import (
    AwardShare,
    ConsortiumMember,
    MemberStatus,
    Project,
    ProjectStatus,
    Signature,
)
from grants.models.reference import in_reader_language
from grants.projects import project_workflow, signing_rules
from grants.projects.signing_rules import MEMBER, PROVINCE, Party
from grants.projects.task_book import (
    current_task_book,
    required_parties,
    signatory_emails,
    version_terms,
)

# A first version is signed while the project waits for it; a version made by a change, while
# the project runs.
SIGNABLE = (ProjectStatus.SIGNING, ProjectStatus.RUNNING)

REFUSALS = {
    "not_a_party": _("You do not sign this task book for that party."),
    "signed": _("This party has already signed the task book."),
    "members_first": _(
        "A province countersigns once every member institution has accepted the task book."
    ),
}


def signed_parties(task_book):
    return [_party_of(signature) for signature in task_book.signatures.all()]


def _party_of(signature):
    if signature.member_id:
        return Party(MEMBER, str(signature.member_id))
    return Party(PROVINCE, signature.province_id)


def parties_of(user, contents):
    """The parties of the task book with ``contents`` that ``user`` signs for: the members
    whose PI they are, and their province if they are one of its provincial officers."""
    if not user.is_authenticated:
        return []
    province = officer_province_code(user)
    mine = []
    for party in required_parties(contents):
        if party.kind == MEMBER:
            member = _member(contents, party.key)
            if member and member["pi_id"] == user.pk:
                mine.append(party)
        elif party.key == province:
            mine.append(party)
    return mine


def _member(contents, key):
    return next((m for m in contents["members"] if str(m["id"]) == key), None)


def party_names(contents, party):
    """The party's name in the task book, (Chinese, English): its institution or its province."""
    if party.kind == MEMBER:
        member = _member(contents, party.key) or {}
        return member.get("institution_zh", ""), member.get("institution_en", "")
    province = next((p for p in contents["provinces"] if p["code"] == party.key), {})
    return province.get("name_zh", ""), province.get("name_en", "")


def party_label(contents, party):
    """The party's name in the reader's language, for the pages."""
    return in_reader_language(*party_names(contents, party))


def party_label_bilingual(contents, party):
    """The party's name in both languages, for the PDF."""
    return " ".join(name for name in party_names(contents, party) if name)


@transaction.atomic
def task_book_sign(*, project, actor, party):
    """``actor`` signs the project's current task book for ``party`` (a signing_rules.Party).
    The last signature starts the project. Returns the signature."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status not in SIGNABLE:
        raise WorkflowError(_("The task book is not out for signature."), code="state")
    task_book = current_task_book(project)
    contents = task_book.contents
    if party not in parties_of(actor, contents):
        raise WorkflowError(REFUSALS["not_a_party"], code="not_a_party")
    required = required_parties(contents)
    signed = signed_parties(task_book)
    problem = signing_rules.refusal(required, signed, party)
    if problem:
        raise WorkflowError(REFUSALS[problem], code=problem)
    signature = Signature.objects.create(
        task_book=task_book,
        member_id=int(party.key) if party.kind == MEMBER else None,
        province_id=party.key if party.kind == PROVINCE else None,
        signed_by=actor,
    )
    record(
        actor=actor,
        action="project.task_book_signed",
        proposal=project.proposal,
        after={"version": task_book.number, "party": party.token},
    )
    if not signing_rules.signing_state(required, [*signed, party]).complete:
        return signature
    if project.status == ProjectStatus.RUNNING:
        record(
            actor=actor,
            action="project.task_book_version_signed",
            proposal=project.proposal,
            after={"version": task_book.number, "change": task_book.change_id},
        )
    else:
        project_workflow.project_start(project, actor=actor)
        project.refresh_from_db()
        send_on_commit(
            signatory_emails(contents),
            "project_started",
            {"project": project, "proposal": project.proposal},
        )
    return signature


# What the pages show --------------------------------------------------------------------------


@dataclass
class PartyRow:
    party: Party
    label: str  # in the reader's language
    bilingual: str  # both languages, for the PDF
    signature: Signature | None
    may_sign_now: bool  # the reader signs for it, and its turn has come
    waiting_for_members: bool = False


def signing_rows(task_book, user):
    """One row per party of ``task_book``: who signed and when, or who has yet to."""
    contents = task_book.contents
    signatures = {_party_of(s): s for s in task_book.signatures.select_related("signed_by")}
    required = required_parties(contents)
    state = signing_rules.signing_state(required, signatures)
    mine = set(parties_of(user, contents)) if user is not None else set()
    open_for_signing = task_book.project.status in SIGNABLE
    rows = []
    for party in required:
        problem = state.may_sign(party)
        rows.append(
            PartyRow(
                party=party,
                label=party_label(contents, party),
                bilingual=party_label_bilingual(contents, party),
                signature=signatures.get(party),
                may_sign_now=open_for_signing and party in mine and problem is None,
                waiting_for_members=party.kind == PROVINCE and problem == "members_first",
            )
        )
    return rows


def _signable_projects(user_id, province=None):
    """The projects in signing that a consortium PI, or a province paying a share, may sign.
    Each side is a subquery of ids rather than a join through the proposal and the decision:
    the database plans it in a fraction of the time, and the dashboards ask on every visit."""
    led = ConsortiumMember.objects.filter(pi_id=user_id, status=MemberStatus.ACCEPTED)
    visible = Q(proposal__in=led.values("proposal_id"))
    if province is not None:
        visible |= Q(
            decision__in=AwardShare.objects.filter(province_id=province).values("decision")
        )
    return (
        Project.objects.filter(visible, status__in=SIGNABLE)
        .select_related("proposal")
        .prefetch_related("task_books__signatures")
    )


# Every dashboard asks, and hardly anyone has a task book to sign: the query's SQL is
# compiled once per process (grants.core.compiled_queries).
_signable = CompiledQuery(_signable_projects)


def awaiting_signature(user):
    """The projects whose task book waits for ``user``'s signature now, with the parties they
    sign for: [(project, [label, ...])]. For the dashboard."""
    province = officer_province_code(user)
    projects = _signable(user.pk, *([province] if province else []))
    waiting = []
    for project in projects:
        task_book = next(
            (t for t in project.task_books.all() if t.number == project.task_book_version), None
        )
        if task_book is None:
            continue
        contents = task_book.contents
        state = signing_rules.signing_state(required_parties(contents), signed_parties(task_book))
        labels = [
            party_label(contents, party)
            for party in parties_of(user, contents)
            if state.may_sign(party) is None
        ]
        if labels:
            waiting.append((project, labels))
    return waiting


def task_book_context(user, project):
    """What the project's page and the task book's page show of the task book: the current
    version (None while drafted), who has and has not signed, and what the reader may do."""
    book = current_task_book(project)
    rows = signing_rows(book, user) if book else []
    return {
        # A version made by a change that some of the parties it touches have yet to sign.
        "signing_again": project.status == ProjectStatus.RUNNING
        and any(row.signature is None for row in rows),
        "task_book": book,
        "signing_rows": rows,
        "milestone_count": project.milestones.count(),
        "leads_project": project.proposal.lead_id == user.pk,
        "signs_now": any(row.may_sign_now for row in rows),
    }


def last_signed_version(project):
    """The project's latest task book version every party it names has signed."""
    for book in project.task_books.prefetch_related("signatures").order_by("-number"):
        state = signing_rules.signing_state(required_parties(book.contents), signed_parties(book))
        if state.complete:
            return book
    return None


def change_signers(project, contents):
    """Who signs the version with ``contents`` that a change makes: the parties whose terms
    differ from the last version signed in full (signing_rules.resigners), as tokens. Measured
    against that version, not an unsigned one in between, so that no party's change goes
    unsigned when a second change comes before the first is signed."""
    signed = last_signed_version(project)
    if signed is None:  # started without a signed version to compare with: everyone signs
        return [party.token for party in required_parties(contents)]
    return [
        party.token
        for party in signing_rules.resigners(
            version_terms(signed.contents), version_terms(contents)
        )
    ]


def signature_lines(contents, book):
    """The task book PDF's signatures page: every party of ``contents``, with who signed for it
    and when if ``book`` (None for a draft) has its signature."""
    from django.utils import timezone

    from grants.projects.task_book_pdf import SignatureLine

    signatures = (
        {_party_of(s): s for s in book.signatures.select_related("signed_by")} if book else {}
    )
    lines = []
    for party in required_parties(contents):
        signature = signatures.get(party)
        lines.append(
            SignatureLine(
                party=party_label_bilingual(contents, party),
                kind=party.kind,
                signed_by=(signature.signed_by.name or signature.signed_by.email)
                if signature
                else "",
                signed_at=f"{timezone.localtime(signature.signed_at):%Y-%m-%d %H:%M}"
                if signature
                else "",
            )
        )
    return tuple(lines)
