from django.core.management.base import BaseCommand, CommandError

from grants.site.site_backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole portal into a new folder: the PostgreSQL database (pg_dump, custom "
        "format), every stored file, and a manifest of the files' SHA-256 and the proposal, "
        "review and ledger figures that restore_portal checks."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", help="a new or empty folder")

    def handle(self, *args, destination, **options):
        try:
            manifest = backup(destination)
        except BackupError as error:
            raise CommandError(str(error)) from error
        figures = manifest["figures"]
        self.stdout.write(
            f"Backed up {figures['proposals']} proposals, {figures['reviews']} reviews and "
            f"{len(manifest['files'])} files to {destination}."
        )
