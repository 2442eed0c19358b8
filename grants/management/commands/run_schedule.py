from django.core.management.base import BaseCommand

from grants import workflow


class Command(BaseCommand):
    help = (
        "Open draft calls whose opening time has come and close open calls whose deadline has "
        "passed. Run it every minute; running it again changes nothing."
    )

    def handle(self, *args, **options):
        from reviews.exports import fail_lost, purge_expired
        from reviews.jobs import fail_lost_runs

        purged = purge_expired()
        if purged:
            self.stdout.write(f"{purged} expired exports deleted.")
        # Jobs whose worker was killed or lost end as failed, with a retry button for the user.
        for count, what in ((fail_lost(), "exports"), (fail_lost_runs(), "assignment runs")):
            if count:
                self.stdout.write(f"{count} {what} failed: their worker stopped.")
        done = workflow.calls_run_schedule()
        if not done:
            self.stdout.write("Nothing to do.")
        for call, outcome, detail in done:
            if outcome == "not_opened":
                self.stdout.write(f"{call.code}: not opened: {detail}")
            else:
                self.stdout.write(f"{call.code}: {outcome}")
