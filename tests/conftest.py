import pytest
from django.core.management import call_command

from tests.factories import make_user


@pytest.fixture(autouse=True)
def fast_and_local(settings):
    """Cheap password hashing, tasks run inline, e-mail kept in memory."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def reference(db):
    """The reference data from fixtures/reference, loaded through the import command."""
    call_command("import_reference", verbosity=0, stdout=open("/dev/null", "w"))


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser, with the authenticator app the admin requires of anyone who
    may open it (grants/accounts/middleware.py)."""
    from grants.accounts.registration import user_totp_set
    from tests.factories import TOTP_SECRET

    user_totp_set(user=admin_user, secret=TOTP_SECRET)
    return admin_user


@pytest.fixture
def user_factory(reference):
    return make_user


@pytest.fixture(autouse=True)
def empty_cache():
    """allauth's rate limits count in the cache; each test starts from zero."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def send_on_commit_mail_at_once(monkeypatch):
    """Each test runs inside a transaction that never commits, so mail queued for "after the
    commit" would never leave; send it at once instead (failed changes raise before queuing)."""
    monkeypatch.setattr(
        "grants.core.emails.transaction.on_commit", lambda send, *args, **kwargs: send()
    )


@pytest.fixture(autouse=True)
def pages_keep_to_the_content_security_policy(monkeypatch):
    """Every HTML page the suite renders is checked for what the Content-Security-Policy would
    block in a browser (inline scripts and styles, event-handler attributes), so a template
    that relies on one fails whichever test first renders it."""
    from django.test import Client

    from tests.trust.csp_rules import csp_violations

    request = Client.request

    def checked_request(self, **kwargs):
        response = request(self, **kwargs)
        if not response.streaming and response.get("Content-Type", "").startswith("text/html"):
            found = csp_violations(response.content.decode(response.charset or "utf-8"))
            assert not found, (
                f"{kwargs.get('REQUEST_METHOD', 'GET')} {kwargs.get('PATH_INFO')} renders what the "
                "Content-Security-Policy blocks; move it to portal/static:\n" + "\n".join(found)
            )
        return response

    monkeypatch.setattr(Client, "request", checked_request)
