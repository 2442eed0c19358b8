from django.core.management.base import BaseCommand, CommandError

from grants.api.tokens import DEFAULT_DAYS, MAX_DAYS, api_token_create
from grants.models import TokenScope, User


class Command(BaseCommand):
    help = (
        "Make an API token for the person with this e-mail address and print it (only its "
        "digest is stored, so this is the one time it can be read)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS)
        parser.add_argument("--name", default="script")

    def handle(self, *args, email, scope, days, name, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the e-mail address {email}.")
        if not 1 <= days <= MAX_DAYS:
            raise CommandError(f"--days must be between 1 and {MAX_DAYS}.")
        _token, secret = api_token_create(user=user, name=name, scope=scope, days=days)
        self.stdout.write(secret)
