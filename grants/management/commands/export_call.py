from django.core.management.base import BaseCommand, CommandError

from grants.models import Call
from grants.site.call_backup import BackupError, export_call


class Command(BaseCommand):
    help = "Write one call's complete data (JSON plus attachments) into a new folder."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the call's code, e.g. 2025-materials")
        parser.add_argument("folder", help="a folder that does not exist yet, or is empty")

    def handle(self, *args, code, folder, **options):
        call = Call.objects.filter(code=code).first()
        if call is None:
            raise CommandError(f"no call with the code {code}")
        try:
            counts = export_call(call, folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")
