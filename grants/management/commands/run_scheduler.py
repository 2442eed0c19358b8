import signal
import threading

from django.core.management.base import BaseCommand

from grants.site import schedule

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Command(BaseCommand):
    help = (
        "Run the schedule (calls opening and closing on time, old exports deleted) every "
        "minute until stopped by Ctrl-C or SIGTERM. Run it beside the task worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=schedule.INTERVAL_SECONDS,
            help="Seconds between passes (default %(default)s).",
        )
        parser.add_argument("--passes", type=int, default=None, help="Stop after this many passes.")

    def handle(self, *args, interval, passes, **options):
        stop = threading.Event()
        previous = {number: signal.signal(number, lambda *_: stop.set()) for number in STOP_SIGNALS}
        self.stdout.write(f"Running the schedule every {interval:g} s.")
        try:
            schedule.run_every(interval, stop=stop, write=self.stdout.write, passes=passes)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
        self.stdout.write("Schedule stopped.")
