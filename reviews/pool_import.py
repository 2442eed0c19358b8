"""Reviewers imported from a CSV file: every row is checked before any is written, then the
accounts and profiles are created or updated all at once and each new reviewer is welcomed
with a link to set a password."""

import csv
import io
import re
from dataclasses import dataclass, field

from allauth.account import app_settings as allauth_settings
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grants.accounts.forms import MAX_PROFILE_KEYWORDS
from grants.accounts.registration import role_grant, user_register_verified
from grants.core import emails
from grants.core.audit import record
from grants.core.forms import split_keywords
from grants.models import Discipline, Institution, Role, RoleGrant, User
from reviews.models import ReviewerProfile
from reviews.pool import MAX_REVIEWS_PER_CALL

IMPORT_COLUMNS = ("email", "name", "institution_zh", "disciplines", "keywords", "max_reviews")
MAX_IMPORT_BYTES = 2 * 1024 * 1024
CODE_SEPARATORS = re.compile(r"[\s;；]+")


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, columns); no row was looked at."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class ImportRow:
    line: int
    email: str
    name: str
    institution: Institution
    disciplines: list
    keywords: str
    max_reviews: int | None  # None keeps the current value (or the default for a new one)


@dataclass
class RowProblem:
    line: int
    email: str
    reasons: list = field(default_factory=list)


@dataclass
class ImportResult:
    created: list
    updated: list


def decode_upload(data: bytes) -> str:
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)d MB: split it into several files.")
            % {"size": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    try:
        # utf-8-sig drops the byte-order mark Excel writes at the start of "CSV UTF-8".
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (comma delimited)”.")
        ) from error


def _header(reader):
    header = next(reader, None)
    if not header:
        raise ImportFileError(_("The file is empty."))
    names = [name.strip().lower() for name in header]
    missing = [column for column in IMPORT_COLUMNS if column not in names]
    if missing:
        raise ImportFileError(
            _("The first line must name the columns %(columns)s; missing: %(missing)s.")
            % {"columns": ",".join(IMPORT_COLUMNS), "missing": ", ".join(missing)}
        )
    return names


def _check_row(values, line, seen, institutions, codes):
    """The row as an ImportRow, or its problems as a RowProblem."""
    email = values["email"].lower()
    problem = RowProblem(line=line, email=values["email"])
    if not email:
        problem.reasons.append(_("the e-mail address is missing"))
    else:
        try:
            validate_email(email)
        except ValidationError:
            problem.reasons.append(
                _("“%(value)s” is not a valid e-mail address") % {"value": values["email"]}
            )
        if email in seen:
            problem.reasons.append(
                _("the e-mail address is repeated from line %(line)d") % {"line": seen[email]}
            )
        else:
            seen[email] = line
    if not values["name"]:
        problem.reasons.append(_("the name is missing"))
    elif len(values["name"]) > 100:
        problem.reasons.append(_("the name is longer than 100 characters"))
    institution = institutions.get(values["institution_zh"])
    if not values["institution_zh"]:
        problem.reasons.append(_("the institution is missing"))
    elif institution is None:
        problem.reasons.append(
            _("unknown institution “%(value)s”: use its Chinese name from the reference list")
            % {"value": values["institution_zh"]}
        )
    wanted = [code.upper() for code in CODE_SEPARATORS.split(values["disciplines"]) if code]
    unknown = [code for code in wanted if code not in codes]
    if not wanted:
        problem.reasons.append(_("give at least one discipline code"))
    elif unknown:
        problem.reasons.append(
            ngettext(
                "unknown discipline code %(codes)s",
                "unknown discipline codes %(codes)s",
                len(unknown),
            )
            % {"codes": ", ".join(unknown)}
        )
    words = split_keywords(values["keywords"])
    keywords = ", ".join(words)
    if len(words) > MAX_PROFILE_KEYWORDS or len(keywords) > 300:
        problem.reasons.append(
            _("give at most %(count)d keywords (300 characters)") % {"count": MAX_PROFILE_KEYWORDS}
        )
    max_reviews = None
    if values["max_reviews"]:
        try:
            max_reviews = int(values["max_reviews"])
        except ValueError:
            max_reviews = 0
        if not 1 <= max_reviews <= MAX_REVIEWS_PER_CALL:
            problem.reasons.append(
                _("max_reviews must be a whole number from 1 to %(most)d")
                % {"most": MAX_REVIEWS_PER_CALL}
            )
    if problem.reasons:
        return problem
    return ImportRow(
        line=line,
        email=email,
        name=values["name"],
        institution=institution,
        disciplines=[codes[code] for code in dict.fromkeys(wanted)],
        keywords=keywords,
        max_reviews=max_reviews,
    )


def import_read(data: bytes):
    """Check every row of an uploaded CSV file. Returns (rows, problems); the file is only
    good to import when ``problems`` is empty. Raises ImportFileError for an unreadable file."""
    reader = csv.reader(io.StringIO(decode_upload(data), newline=""))
    names = _header(reader)
    institutions = {i.name_zh: i for i in Institution.objects.all()}
    codes = {d.code: d for d in Discipline.objects.all()}
    rows, problems, seen = [], [], {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(names):
            problems.append(
                RowProblem(
                    line=line,
                    email=cells[0].strip(),
                    reasons=[
                        _(
                            "the row has more fields than the header: put values that "
                            "contain commas in double quotes"
                        )
                    ],
                )
            )
            continue
        values = dict(zip(names, (cell.strip() for cell in cells), strict=False))
        values = {column: values.get(column, "") for column in IMPORT_COLUMNS}
        checked = _check_row(values, line, seen, institutions, codes)
        (problems if isinstance(checked, RowProblem) else rows).append(checked)
    if not rows and not problems:
        raise ImportFileError(_("The file has no reviewers below its header line."))
    return rows, problems


def password_set_url(user):
    """A link to allauth's password reset form for ``user``, valid for
    PASSWORD_RESET_TIMEOUT; afterwards the person asks for a new one on the reset page."""
    token = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )
    return emails.absolute_url(path)


@transaction.atomic
def reviewers_import(*, rows, actor):
    """Create or update the reviewers of checked rows, all or none.

    A new address gets a verified account without a password, to be set through the reset
    link in its welcome e-mail. An existing account keeps the profile its owner maintains
    once they have signed in; until then the file's name, institution, codes and keywords
    replace the earlier ones, so a corrected file can simply be imported again.
    """
    by_email = {
        user.email_lower: user
        for user in User.objects.annotate(email_lower=Lower("email")).filter(
            email_lower__in=[row.email for row in rows]
        )
    }
    reviewers_before = set(
        RoleGrant.objects.filter(role=Role.REVIEWER, user__in=by_email.values()).values_list(
            "user_id", flat=True
        )
    )
    result = ImportResult(created=[], updated=[])
    for row in rows:
        user = by_email.get(row.email)
        if user is None:
            user = user_register_verified(
                email=row.email,
                password=None,
                name=row.name,
                institution=row.institution,
                keywords=row.keywords,
                disciplines=row.disciplines,
            )
            result.created.append(row.email)
        else:
            if user.last_login is None:
                user.name, user.institution, user.keywords = row.name, row.institution, row.keywords
                user.save(update_fields=["name", "institution", "keywords"])
                user.disciplines.set(row.disciplines)
            result.updated.append(row.email)
        role_grant(user=user, role=Role.REVIEWER)
        profile, _created = ReviewerProfile.objects.get_or_create(user=user)
        if row.max_reviews is not None and profile.max_reviews_per_call != row.max_reviews:
            profile.max_reviews_per_call = row.max_reviews
            profile.save(update_fields=["max_reviews_per_call"])
        if user.pk not in reviewers_before:
            _welcome(user)
    record(
        actor=actor,
        action="reviewers.imported",
        after={"created": result.created, "updated": result.updated},
    )
    return result


def _welcome(user):
    emails.send_on_commit(
        [user.email],
        "expert_invitation_imported",
        {
            "person": user,
            "set_password_url": None if user.has_usable_password() else password_set_url(user),
            "reset_page_url": emails.absolute_url(reverse("account_reset_password")),
            "link_days": max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1),
        },
    )
