"""Bilingual e-mails: every message carries its Chinese and its English text, as plain text
and HTML, so it reads right whatever the recipient's language."""

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

LANGUAGES = ("zh-hans", "en")


def absolute_url(path):
    """The portal's address for ``path`` (from reverse()), for links that leave the browser:
    e-mails and files. SITE_URL is the one source: `make run` sets it from the port it serves
    on, production from the environment."""
    return settings.SITE_URL + path


class FundAccountAdapter(DefaultAccountAdapter):
    """allauth's own mails (address confirmation, password reset) speak for the fund. Without
    django.contrib.sites allauth would greet with the host and port the request came to."""

    def send_mail(self, template_prefix, email, context):
        super().send_mail(template_prefix, email, {**context, "current_site": FundSite()})


class FundSite:
    """What allauth's mail templates read of a site: its name and its domain."""

    @property
    def name(self):
        return str(settings.PORTAL_NAME)

    @property
    def domain(self):
        return urlsplit(settings.SITE_URL).netloc


def render_bilingual(name, context):
    subjects, texts, htmls = [], [], []
    for language in LANGUAGES:
        with translation.override(language):
            subjects.append(render_to_string(f"emails/{name}_subject.txt", context).strip())
            texts.append(render_to_string(f"emails/{name}.txt", context).strip())
            htmls.append(render_to_string(f"emails/{name}.html", context).strip())
    subject = " / ".join(dict.fromkeys(subjects))
    text = "\n\n----------------------------------------\n\n".join(texts) + "\n"
    html = render_to_string("emails/layout.html", {"parts": htmls, "subject": subject})
    return subject, text, html


def send_on_commit(recipients, name, context, attachments=()):
    """Send once the current transaction commits, so a rolled-back change e-mails no one."""
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return
    context = {**context, "site_url": absolute_url("")}
    subject, text, html = render_bilingual(name, context)

    def send():
        message = EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body=text, to=recipients
        )
        message.attach_alternative(html, "text/html")
        for filename, content, mimetype in attachments:
            message.attach(filename, content, mimetype)
        message.send()

    transaction.on_commit(send)
