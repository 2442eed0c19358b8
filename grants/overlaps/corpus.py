"""What the overlap check compares, read from the database as plain values for the pure
modules: proposals' and external records' texts, the people of proposals, running
projects and other funders' running records, and which proposals the fund has funded.

Keys: "proposal:<pk>", "external:<pk>", "project:<pk>"; person identities "user:<pk>".
"""

from django.utils import timezone

from grants.models import (
    ConsortiumMember,
    Decision,
    ExternalRecord,
    MemberStatus,
    Project,
    Proposal,
    ProposalStatus,
)
from grants.models.decisions import Outcome
from grants.models.projects import ProjectStatus
from grants.overlaps.people_overlap import Holding, Person
from grants.overlaps.text_overlap import Document, language_of

# Proposals the office received and still considers: the checked and the compared.
RECEIVED = (ProposalStatus.SUBMITTED, ProposalStatus.RETURNED)
TEXT_FIELDS = ("title_zh", "title_en", "abstract_zh", "abstract_en", *Proposal.SECTIONS.values())
GONE = (MemberStatus.DECLINED, MemberStatus.REVOKED)


def proposal_key(pk):
    return f"proposal:{pk}"


def external_key(pk):
    return f"external:{pk}"


def proposal_texts(proposal):
    """{language: text} of a proposal: its title, abstract and the sections written in that
    language, one per line. The spans of a text flag's evidence are offsets into these."""
    parts = {
        "zh": [proposal.title_zh, proposal.abstract_zh],
        "en": [proposal.title_en, proposal.abstract_en],
    }
    for attribute in Proposal.SECTIONS.values():
        text = getattr(proposal, attribute)
        if text.strip():
            parts[language_of(text)].append(text)
    return {language: "\n".join(p for p in texts if p.strip()) for language, texts in parts.items()}


def record_texts(record):
    """{language: text} of an external record: its title and abstract, one per line."""
    return {
        "zh": "\n".join(p for p in (record.title_zh, record.abstract_zh) if p.strip()),
        "en": "\n".join(p for p in (record.title_en, record.abstract_en) if p.strip()),
    }


def documents(texts_by_key):
    return [
        Document(key, language, text)
        for key, texts in texts_by_key.items()
        for language, text in texts.items()
        if text.strip()
    ]


def received_proposals(call=None):
    proposals = Proposal.objects.filter(status__in=RECEIVED)
    if call is not None:
        proposals = proposals.filter(call=call)
    return proposals.only("pk", "call_id", "reference", *TEXT_FIELDS).order_by("pk")


def proposal_text_map(proposals):
    return {proposal_key(p.pk): proposal_texts(p) for p in proposals}


def external_text_map():
    return {
        external_key(r.pk): record_texts(r)
        for r in ExternalRecord.objects.only(
            "pk", "title_zh", "title_en", "abstract_zh", "abstract_en"
        )
    }


def funded_proposal_ids():
    """The proposals the fund has funded: with a project, or decided funded."""
    with_project = Project.objects.values_list("proposal_id", flat=True)
    decided = Decision.objects.filter(outcome=Outcome.FUNDED).values_list("proposal_id", flat=True)
    return set(with_project) | set(decided)


def running_projects():
    """{project key: proposal pk} of the fund's running projects."""
    return {
        f"project:{pk}": proposal_id
        for pk, proposal_id in Project.objects.filter(status=ProjectStatus.RUNNING).values_list(
            "pk", "proposal_id"
        )
    }


def running_external_pis(record_ids):
    """{external record pk: its PI as a Person} of those of ``record_ids`` still running this
    year (Beijing time): another funder already pays for them."""
    this_year = timezone.localdate().year
    records = ExternalRecord.objects.filter(pk__in=list(record_ids), end_year__gte=this_year)
    return {
        record.pk: Person(
            key=external_key(record.pk),
            name=record.pi_name,
            institution=record.institution.name_zh
            if record.institution_id
            else record.institution_name,
            orcid=record.pi_orcid,
        )
        for record in records.select_related("institution")
    }


def members_of(proposal_ids):
    """{proposal pk: [(institution pk, is_lead, Person or None)]} of the members still in."""
    found = {pk: [] for pk in proposal_ids}
    members = (
        ConsortiumMember.objects.filter(proposal_id__in=list(proposal_ids))
        .exclude(status__in=GONE)
        .select_related("pi__institution")
        .order_by("proposal_id", "pk")
    )
    for member in members:
        pi = member.pi
        person = None
        if pi is not None:
            person = Person(
                key=f"user:{pi.pk}",
                name=pi.name,
                institution=pi.institution.name_zh if pi.institution_id else "",
                email=pi.email,
                orcid=pi.orcid or "",
            )
        found[member.proposal_id].append((member.institution_id, member.is_lead, person))
    return found


def holdings(members_by_proposal, refs):
    """Holding rows for ``people_overlap.beyond_limits``: ``refs`` is {proposal pk: the ref
    it holds under ("proposal:42", or "project:7" for a running project's proposal)}."""
    return [
        Holding(refs[pk], person, is_lead)
        for pk, members in members_by_proposal.items()
        if pk in refs
        for _, is_lead, person in members
        if person is not None
    ]
