from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from grants.models import Province
from grants.site import demo


class Command(BaseCommand):
    help = "Create the demo fund (idempotent: running it again duplicates nothing)."

    def handle(self, *args, **options):
        if not Province.objects.exists():
            call_command("import_reference", stdout=self.stdout)
        # The demo's people live at example.org: its e-mails are kept in memory, never sent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            logins = demo.seed(stdout=self.stdout)
        with_totp = set(
            Authenticator.objects.filter(type=Authenticator.Type.TOTP).values_list(
                "user__email", flat=True
            )
        )
        secret = settings.DEMO_TOTP_SECRET
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password: {settings.DEMO_PASSWORD}):")
        for email, role in logins:
            code = f"TOTP secret {secret}" if email in with_totp else ""
            self.stdout.write(f"  {email:<26} {role:<32} {code}".rstrip())
        self.stdout.write(
            "Accounts with a TOTP secret (and the reviewers expert01-39@example.org) then enter a"
            " code from any authenticator app set up with it; README.md, Security, shows how to"
            " compute one."
        )
