"""Reviewers' publications brought in: the fund office's CSV file for many reviewers, and a
reviewer's own ORCID works export (JSON, docs/publications.md). Every record is checked before
any is written; a record already on file (same DOI, or same title and year) is updated in place.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field

from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.core import limits
from grants.core.audit import record
from grants.models import Role, User
from reviews import publication_rules
from reviews.models import Publication, PublicationSource
from reviews.pool_import import ImportFileError, decode_upload

CSV_COLUMNS = ("email", "title", "abstract", "year", "doi", "authors")
FIRST_YEAR = 1900
# "Li Wei (0000-0002-1825-0097)": a name with its ORCID iD in brackets.
_AUTHOR = re.compile(r"^(?P<name>.*?)\s*(?:[(（](?P<orcid>[^)）]*)[)）])?$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


@dataclass
class Record:
    title: str
    abstract: str
    year: int | None
    doi: str
    authors: list

    @property
    def key(self):
        return publication_rules.match_key(self.doi, self.title, self.year)


@dataclass
class RowProblem:
    line: int
    email: str
    reasons: list = field(default_factory=list)


def _record_problems(title, abstract, year_text, doi):
    """(year, doi, reasons) of one record's fields, as the CSV and the ORCID file give them."""
    reasons = []
    if not title:
        reasons.append(_("the title is missing"))
    elif len(title) > limits.PUBLICATION_TITLE:
        reasons.append(
            _("the title is longer than %(limit)d characters") % {"limit": limits.PUBLICATION_TITLE}
        )
    if len(abstract) > limits.PUBLICATION_ABSTRACT:
        reasons.append(
            _("the abstract is longer than %(limit)d characters")
            % {"limit": limits.PUBLICATION_ABSTRACT}
        )
    year = None
    if year_text:
        last = timezone.now().year + 1
        year = int(year_text) if year_text.isdigit() else None
        if year is None or not FIRST_YEAR <= year <= last:
            reasons.append(
                _("the year must be a whole number from %(first)d to %(last)d")
                % {"first": FIRST_YEAR, "last": last}
            )
    doi = publication_rules.normalise_doi(doi)
    if doi and not _DOI.match(doi):
        reasons.append(_("“%(value)s” is not a DOI (10.xxxx/...)") % {"value": doi})
    return year, doi, reasons


def parse_authors(text: str) -> list:
    """``Li Wei (0000-0002-1825-0097); Wang Wu`` as [{"name", "orcid"}, ...]."""
    authors = []
    for part in re.split(r"[;；]", text or ""):
        found = _AUTHOR.match(part.strip())
        name = found.group("name").strip()
        if name:
            orcid = publication_rules.normalise_orcid(found.group("orcid") or "")
            authors.append({"name": name, "orcid": orcid})
    return authors


# ---- a reviewer's ORCID works export ---------------------------------------------------------

MAX_ORCID_BYTES = 5 * 1024 * 1024


def orcid_read(data: bytes):
    """The works of an ORCID export: the JSON ORCID's public API returns for ``/works`` (the
    summaries, grouped) or for ``/works/{put-codes}`` (full records, with abstracts and
    contributors). Returns (records, problems: [(work number, reasons)]). Raises
    ImportFileError for anything else."""
    if len(data) > MAX_ORCID_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)d MB.") % {"size": MAX_ORCID_BYTES // (1024 * 1024)}
        )
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ImportFileError(_not_orcid()) from error
    works = _works(document)
    if works is None:
        raise ImportFileError(_not_orcid())
    if not works:
        raise ImportFileError(_("The ORCID export lists no works."))
    records, problems = [], []
    for number, work in enumerate(works, start=1):
        title = _value(work.get("title"), "title")
        abstract = (work.get("short-description") or "").strip()
        year, doi, reasons = _record_problems(
            title, abstract, _value(work.get("publication-date"), "year"), _orcid_doi(work)
        )
        if reasons:
            problems.append((number, title, reasons))
        else:
            records.append(Record(title, abstract, year, doi, _contributors(work)))
    return records, problems


def _not_orcid():
    return _(
        "This is not an ORCID works export: download the JSON of your works from ORCID's "
        "public API (https://pub.orcid.org/v3.0/<your iD>/works)."
    )


def _works(document):
    """The list of works of either shape, or None when the document is neither."""
    if not isinstance(document, dict):
        return None
    if isinstance(document.get("group"), list):
        return [
            summary
            for group in document["group"]
            if isinstance(group, dict)
            for summary in (group.get("work-summary") or [])[:1]  # the preferred version
            if isinstance(summary, dict)
        ]
    if isinstance(document.get("bulk"), list):
        return [
            item["work"]
            for item in document["bulk"]
            if isinstance(item, dict) and isinstance(item.get("work"), dict)
        ]
    return None


def _value(node, name):
    """ORCID wraps values twice: {"title": {"value": ...}}, {"year": {"value": ...}}."""
    inner = (node or {}).get(name) if isinstance(node, dict) else None
    return str((inner or {}).get("value") or "").strip() if isinstance(inner, dict) else ""


def _orcid_doi(work):
    ids = ((work.get("external-ids") or {}).get("external-id")) or []
    for item in ids:
        if isinstance(item, dict) and str(item.get("external-id-type", "")).lower() == "doi":
            if item.get("external-id-relationship", "self") == "self":
                return str(item.get("external-id-value") or "")
    return ""


def _contributors(work):
    people = ((work.get("contributors") or {}).get("contributor")) or []
    authors = []
    for person in people:
        if not isinstance(person, dict):
            continue
        name = _value(person, "credit-name")
        orcid = publication_rules.normalise_orcid(
            str((person.get("contributor-orcid") or {}).get("path") or "")
        )
        if name or orcid:
            authors.append({"name": name, "orcid": orcid})
    return authors


@transaction.atomic
def orcid_import(*, reviewer, records):
    """Save a reviewer's checked ORCID works, updating those already on file."""
    created, updated = _save(reviewer, records, PublicationSource.ORCID)
    record(
        actor=reviewer,
        action="publications.orcid_uploaded",
        after={"created": created, "updated": updated},
    )
    return created, updated


@transaction.atomic
def publication_delete(*, publication, actor):
    record(
        actor=actor,
        action="publication.deleted",
        before={"title": publication.title, "year": publication.year, "doi": publication.doi},
    )
    publication.delete()


# ---- the office's CSV file ------------------------------------------------------------------


def csv_read(data: bytes):
    """Check every row. Returns ({email: [Record, ...]}, reviewers by email, problems); good to
    import only when ``problems`` is empty. Raises ImportFileError for an unreadable file."""
    reader = csv.reader(io.StringIO(decode_upload(data), newline=""))
    names = _header(reader)
    reviewers = {
        user.email_lower: user
        for user in User.objects.annotate(email_lower=Lower("email")).filter(
            role_grants__role=Role.REVIEWER
        )
    }
    records, problems = {}, []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        values = dict(zip(names, (cell.strip() for cell in cells), strict=False))
        values = {column: values.get(column, "") for column in CSV_COLUMNS}
        problem = RowProblem(line=reader.line_num, email=values["email"])
        if len(cells) > len(names):
            problem.reasons.append(
                _(
                    "the row has more fields than the header: put values that contain commas in double quotes"
                )
            )
        email = values["email"].lower()
        if email not in reviewers:
            problem.reasons.append(
                _("“%(value)s” is not the e-mail address of a reviewer in the pool")
                % {"value": values["email"]}
                if _is_email(email)
                else _("the reviewer's e-mail address is missing or not valid")
            )
        year, doi, reasons = _record_problems(
            values["title"], values["abstract"], values["year"], values["doi"]
        )
        problem.reasons += reasons
        if problem.reasons:
            problems.append(problem)
            continue
        records.setdefault(email, []).append(
            Record(values["title"], values["abstract"], year, doi, parse_authors(values["authors"]))
        )
    if not records and not problems:
        raise ImportFileError(_("The file has no publications below its header line."))
    return records, reviewers, problems


def _is_email(value):
    try:
        validate_email(value)
    except Exception:
        return False
    return True


def _header(reader):
    header = next(reader, None)
    if not header:
        raise ImportFileError(_("The file is empty."))
    names = [name.strip().lower() for name in header]
    missing = [column for column in CSV_COLUMNS if column not in names]
    if missing:
        raise ImportFileError(
            _("The first line must name the columns %(columns)s; missing: %(missing)s.")
            % {"columns": ",".join(CSV_COLUMNS), "missing": ", ".join(missing)}
        )
    return names


@transaction.atomic
def publications_import(*, records, reviewers, actor):
    """Write the checked records of the office's file, all or none. Returns (created, updated)."""
    created = updated = 0
    for email, items in records.items():
        new, changed = _save(reviewers[email], items, PublicationSource.OFFICE_CSV)
        created, updated = created + new, updated + changed
    record(
        actor=actor,
        action="publications.imported",
        after={"reviewers": len(records), "created": created, "updated": updated},
    )
    return created, updated


def _save(reviewer, items, source):
    """Create or update ``reviewer``'s publications; the last of two records of one paper wins."""
    by_key = {item.key: item for item in items}
    known = {
        p.match_key: p for p in Publication.objects.filter(reviewer=reviewer, match_key__in=by_key)
    }
    created = updated = 0
    for key, item in by_key.items():
        publication = known.get(key) or Publication(reviewer=reviewer, match_key=key)
        created, updated = (
            (created + 1, updated) if publication.pk is None else (created, updated + 1)
        )
        publication.title, publication.abstract, publication.year = (
            item.title,
            item.abstract,
            item.year,
        )
        publication.doi, publication.authors, publication.source = item.doi, item.authors, source
        publication.full_clean(validate_unique=False)
        publication.save()
    return created, updated
