from django.core.management.base import BaseCommand

from grants.overlaps.records_command import run_import


class Command(BaseCommand):
    help = (
        "Import other funders' funded projects from a CSV file (the format in docs/overlaps.md). "
        "Every row is checked first; a file with any bad row imports nothing. Re-importing a "
        "(programme, reference) updates it."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the CSV file")
        parser.add_argument(
            "--user", help="the importing account's e-mail (default: a fund officer)"
        )

    def handle(self, *args, path, user, **options):
        run_import("records", path, email=user, stdout=self.stdout)
