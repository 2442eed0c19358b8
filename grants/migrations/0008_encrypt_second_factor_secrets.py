"""Encrypt the second-factor secrets stored before grants/accounts/mfa.py encrypted them.

Authenticator apps' TOTP secrets and recovery codes' seeds were kept in plain text; the adapter
still reads those, but a copy of an older database would keep giving codes away until each
person set up a new authenticator. This rewrites them with the adapter's own encryption, and
leaves values it already encrypted alone, so running it twice changes nothing.
"""

from django.db import migrations

# The JSON key of the secret in each kind of authenticator allauth stores.
SECRET_KEYS = {"totp": "secret", "recovery_codes": "seed"}


def _rewrite(apps, change):
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=SECRET_KEYS):
        key = SECRET_KEYS[authenticator.type]
        value = (authenticator.data or {}).get(key)
        if not value:
            continue
        new = change(value)
        if new != value:
            authenticator.data = {**authenticator.data, key: new}
            authenticator.save(update_fields=["data"])


def encrypt_plain_secrets(apps, schema_editor):
    from grants.accounts.mfa import PREFIX, EncryptingMFAAdapter

    adapter = EncryptingMFAAdapter()
    _rewrite(apps, lambda value: value if value.startswith(PREFIX) else adapter.encrypt(value))


def decrypt_secrets(apps, schema_editor):
    from grants.accounts.mfa import EncryptingMFAAdapter

    _rewrite(apps, EncryptingMFAAdapter().decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0007_stored_scores_and_requests"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_plain_secrets, decrypt_secrets)]
