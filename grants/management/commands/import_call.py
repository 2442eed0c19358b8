from django.core.management.base import BaseCommand, CommandError

from grants.site.call_backup import BackupError, import_call


class Command(BaseCommand):
    help = "Restore a folder written by export_call into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        try:
            counts = import_call(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")
