"""What the import commands share (grants/management/commands/import_external_records.py and
import_instruments.py): read a file, check every row, print every problem or import it all."""

from pathlib import Path

from django.core.management.base import CommandError

from grants.models import Role, User
from grants.overlaps.records_import import ImportFileError, import_check, import_save


def importing_user(email):
    """The account the import is recorded under: the one named, else the first fund officer,
    else the first superuser."""
    if email:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"no account has the e-mail address {email}")
        return user
    user = (
        User.objects.filter(role_grants__role=Role.FUND_OFFICER).order_by("pk").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )
    if user is None:
        raise CommandError("no fund officer or superuser to record the import under: use --user")
    return user


def run_import(kind, path, *, email, stdout):
    path = Path(path)
    if not path.is_file():
        raise CommandError(f"{path} does not exist")
    actor = importing_user(email)
    try:
        # A funder's whole file may be large; the pages' upload limit is not the command's.
        checked = import_check(kind, path.read_bytes(), scope=None, max_bytes=None)
    except ImportFileError as error:
        raise CommandError(f"{path}: {error.message}") from error
    if not checked.ok:
        lines = [
            f"{path} row {problem.row}"
            + (f", {problem.column}" if problem.column else "")
            + f": {problem.message}"
            for problem in checked.problems
        ]
        raise CommandError(
            "\n".join([*lines, f"nothing imported: {len(checked.problems)} problems"])
        )
    try:
        result = import_save(kind, checked, actor=actor)
    except ImportFileError as error:
        raise CommandError(f"{path}: {error.message}") from error
    stdout.write(
        f"{path.name}: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged"
    )
    return result
