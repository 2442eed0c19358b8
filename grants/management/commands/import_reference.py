from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from grants.accounts.reference import ReferenceError, import_paths

DEFAULT_PATH = settings.BASE_DIR / "fixtures" / "reference"


class Command(BaseCommand):
    help = (
        "Import provinces, institutions and NSFC discipline codes from CSV files "
        "(the format of fixtures/reference/). Re-importing updates existing rows."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", help=f"CSV files or folders (default {DEFAULT_PATH})"
        )

    def handle(self, *args, paths, **options):
        try:
            report = import_paths(paths or [DEFAULT_PATH])
        except ReferenceError as error:
            raise CommandError(str(error)) from error
        for line in report.lines():
            self.stdout.write(line)
