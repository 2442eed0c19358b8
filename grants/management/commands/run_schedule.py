from django.core.management.base import BaseCommand

from grants.site import schedule


class Command(BaseCommand):
    help = (
        "Open draft calls whose opening time has come and close open calls whose deadline has "
        "passed, once. `run_scheduler` does it every minute; running it again changes nothing."
    )

    def handle(self, *args, **options):
        lines = schedule.run_once()
        for line in lines or ["Nothing to do."]:
            self.stdout.write(line)
