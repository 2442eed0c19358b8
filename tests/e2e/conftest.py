"""Browser journeys: Playwright for Python drives Debian's Chromium against pytest-django's
live server, which runs in this process, so the tests share its database and mail outbox.

One browser for the whole session, a fresh context (cookies, storage) and one page per test.
"""

import base64
import hashlib
import hmac
import os
import re
import struct
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import PASSWORD

# Playwright's sync API keeps an event loop running in the test thread, and Django refuses ORM
# calls from a thread with a running loop. The tests call the ORM strictly in sequence with the
# browser, never concurrently, so the check guards against nothing here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LINK = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's Chromium is missing: `make test` installs it (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def media_url_while_the_server_starts():
    """Django's live server wraps the site in a media-file handler built from MEDIA_URL, which
    the portal leaves unset (uploads go out only through permission checks) and which that
    handler cannot parse. A URL on another host, read once as the server starts, keeps the
    handler from ever serving a file."""
    unset = settings.MEDIA_URL
    settings.MEDIA_URL = "https://media.invalid/"
    yield
    settings.MEDIA_URL = unset


@pytest.fixture(scope="session")
def live_server(media_url_while_the_server_starts, live_server):
    return live_server


@pytest.fixture(autouse=True)
def reference_data(reference):
    """Every journey needs the provinces, institutions and discipline codes."""


@pytest.fixture(autouse=True)
def links_to_the_live_server(settings, live_server):
    """E-mailed links point at the live server, so a journey can follow them as a user would."""
    settings.SITE_URL = live_server.url


@pytest.fixture
def new_context(browser, live_server):
    """Open another browser context (another person at another computer); closed at the end.
    Whatever the browser refused under the Content-Security-Policy fails the test."""
    opened, refused = [], []

    def watch(message):
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    def open_context(viewport=DESKTOP, locale="en-GB"):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, locale=locale)
        context.set_default_timeout(10_000)
        context.on("console", watch)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()
    assert refused == []


@pytest.fixture
def page(new_context):
    return new_context().new_page()


# ---- signing in -----------------------------------------------------------------------------


def totp_code(secret, at=None, step=30, digits=6):
    """The current code of an authenticator app (RFC 6238: HMAC-SHA-1, 30 s, 6 digits)."""
    key = base64.b32decode(secret.upper().replace(" ", "") + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def default_totp_secret():
    return getattr(settings, "DEMO_TOTP_SECRET", "JBSWY3DPEHPK3PXP")


def with_authenticator(user, secret=None):
    """Make sure the user's authenticator app runs on a known secret (the default one of
    ``sign_in``), whatever secret the factories gave it, so the journey can compute its codes.
    Nothing to do when the portal offers no second factor."""
    if "allauth.mfa" not in settings.INSTALLED_APPS:
        return user
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from allauth.mfa.utils import encrypt

    secret = secret or default_totp_secret()
    current = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if current is None:
        TOTP.activate(user, secret)
    else:
        current.data = {**current.data, "secret": encrypt(secret)}
        current.save(update_fields=["data"])
    return user


def sign_in(page, email, password=PASSWORD, *, totp_secret=None, go=True):
    """Fill allauth's sign-in form; answer the authenticator step if the portal asks for one."""
    if go:
        page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    submit(page)
    answer_code_if_asked(page, totp_secret)


def submit(page):
    """Press the main form's button and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def answer_code_if_asked(page, totp_secret=None):
    code = page.locator("main input[name=code]")
    if code.count():
        code.fill(totp_code(totp_secret or default_totp_secret()))
        submit(page)


def reauthenticate_if_asked(page, password=PASSWORD, *, totp_secret=None):
    """Sensitive actions may ask the signed-in user to confirm who they are again."""
    if "/reauthenticate" not in page.url:
        return
    field = page.locator("main input[name=password]")
    if field.count():
        field.fill(password)
        submit(page)
    answer_code_if_asked(page, totp_secret)


def sign_in_by_cookie(context, user, base_url):
    """A session made on the server side, for journeys whose subject is not signing in."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


# ---- mail -----------------------------------------------------------------------------------


def link_in_mail(outbox, to, contains):
    """The first link containing ``contains`` in the latest message sent to ``to``."""
    for message in reversed(outbox):
        if to in message.to:
            for link in LINK.findall(message.body):
                if contains in link:
                    return link
    raise AssertionError(f"no mail to {to} with a link containing {contains!r}")


def no_horizontal_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# Elements reaching past the right edge of the window that no scrolling box contains.
_PAST_THE_EDGE = """() => {
  const edge = window.innerWidth + 1, found = [];
  const scrolls = (el) => ["auto", "scroll", "hidden"].includes(getComputedStyle(el).overflowX);
  for (const el of document.body.querySelectorAll("*")) {
    if (el.getBoundingClientRect().right <= edge) continue;
    // A scrolling box clips an absolutely positioned element only from its containing block up.
    const absolute = getComputedStyle(el).position === "absolute";
    let parent = absolute ? el.offsetParent : el.parentElement;
    while (parent && !scrolls(parent)) parent = parent.parentElement;
    if (!parent) found.push(`${el.tagName.toLowerCase()}.${el.className}`);
  }
  return found.slice(0, 5);
}"""


def past_the_edge(page):
    """What makes a page wider than the window, to say so when a layout test fails."""
    return page.evaluate(_PAST_THE_EDGE)


# ---- accessibility --------------------------------------------------------------------------

AXE_SCRIPT = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# A same-origin address the browser fetches axe from: the Content-Security-Policy allows scripts
# from the site only, and the route below answers it from the copy npm installed.
AXE_PATH = "/__axe__/axe.min.js"
SERIOUS = {"serious", "critical"}


@pytest.fixture
def axe(live_server):
    """``axe(page)`` runs axe-core on the page and returns its serious and critical violations."""
    if not AXE_SCRIPT.exists():
        pytest.fail("axe-core is missing: `make test` installs it (npm ci --prefix tests/e2e)")
    routed = set()

    def check(page):
        if page.context not in routed:
            page.context.route(
                f"**{AXE_PATH}",
                lambda route: route.fulfill(path=AXE_SCRIPT, content_type="application/javascript"),
            )
            routed.add(page.context)
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(url=f"{live_server.url}{AXE_PATH}")
        results = page.evaluate(
            "axe.run(document, {resultTypes: ['violations']})"
            ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " targets: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary"
            ".split('\\n').slice(1).join(' '))})))"
        )
        return [violation for violation in results if violation["impact"] in SERIOUS]

    return check


def describe_violations(found):
    """One line per failing element, grouped by page and rule, for a readable failure."""
    lines = []
    for where, violations in found.items():
        for violation in violations:
            lines.append(f"{where}: [{violation['impact']}] {violation['id']}: {violation['help']}")
            lines.extend(f"    {target}" for target in violation["targets"][:8])
    return "\n".join(lines)
