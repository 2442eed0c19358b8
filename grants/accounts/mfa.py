"""Second-factor secrets encrypted at rest.

allauth keeps each authenticator app's TOTP secret (and the recovery codes' seed) in the
database. Anyone holding a copy of the database (a backup, a replica, a leaked dump) could
otherwise compute every officer's and reviewer's codes; encrypted, the copy is useless without
the key, which lives in the environment and never in the database.
"""

import base64

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Marks a stored value as encrypted by this adapter, so values stored before it existed (plain
# base32 secrets) still read back; a new authenticator replaces them encrypted.
PREFIX = "fernet:"
# Ties the derived key to this one use: the same SECRET_KEY signs sessions and tokens too.
KEY_PURPOSE = b"yrd-portal mfa secrets"


class EncryptingMFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return PREFIX + _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(PREFIX):
            return encrypted_text
        try:
            return _fernet().decrypt(encrypted_text[len(PREFIX) :].encode()).decode()
        except InvalidToken as error:
            raise ImproperlyConfigured(
                "A second-factor secret cannot be decrypted: MFA_ENCRYPTION_KEY (or SECRET_KEY, "
                "when it is unset) differs from the key it was encrypted with."
            ) from error


def encryption_secrets() -> list[str]:
    """The current key material first, then older ones that may still decrypt.

    MFA_ENCRYPTION_KEY lets SECRET_KEY be rotated without locking every officer out; without
    it, SECRET_KEY_FALLBACKS keep the secrets readable through a rotation.
    """
    if settings.MFA_ENCRYPTION_KEY:
        return [settings.MFA_ENCRYPTION_KEY]
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def fernet_key(secret: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_PURPOSE).derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(derived)


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(fernet_key(secret)) for secret in encryption_secrets()])
