from django.core.management.base import BaseCommand, CommandError

from grants.site.site_backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup_portal folder into an empty database and an empty file storage, "
        "then check every file's checksum and the proposal, review and ledger figures against "
        "its manifest. Fails, listing the differences, if anything is not the same."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="a folder written by backup_portal")

    def handle(self, *args, source, **options):
        try:
            found = restore(source)
        except BackupError as error:
            raise CommandError(str(error)) from error
        figures = found["figures"]
        self.stdout.write(
            f"Restored and checked {figures['proposals']} proposals, {figures['reviews']} "
            f"reviews, the ledger of {len(figures['ledger'])} provinces and "
            f"{len(found['files'])} files."
        )
