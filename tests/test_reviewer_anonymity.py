"""Applicants never learn who reviewed them: every page, PDF and e-mail an applicant can reach
in a decided call is searched for every reviewer's name and e-mail address."""

import io
import re

from django.core import mail
from pypdf import PdfReader

from grants.funding import decisions, outcomes
from reviews.models import Assignment
from tests.reviews.factories import make_panel_call


def flat(text):
    """Without whitespace: PDF text extraction spaces Chinese characters unpredictably."""
    return re.sub(r"\s+", "", text)


def text_of(response):
    if response["Content-Type"] == "application/pdf":
        return flat(
            "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        )
    return flat(response.content.decode())


def test_no_page_pdf_or_email_an_applicant_reaches_names_a_reviewer(client, reference):
    call, proposals, officer = make_panel_call(provincial_confirmation_required=False)
    for number, reviewer in enumerate({a.reviewer for a in Assignment.objects.filter(call=call)}):
        # Names no applicant can share, so a match can only be a leak.
        reviewer.name = f"隐名评审专家{'甲乙丙丁'[number]}"
        reviewer.save(update_fields=["name"])
    mail.outbox.clear()
    decisions.funding_commit(call=call, actor=officer)
    outcomes.call_decide(call=call, actor=officer)
    reviewers = {a.reviewer for a in Assignment.objects.filter(call=call)}
    secrets = {r.name for r in reviewers} | {r.email for r in reviewers}
    assert len(reviewers) == 3
    for proposal in proposals:
        lead = proposal.lead
        partner = proposal.members.get(is_lead=False).pi
        for applicant in (lead, partner):
            client.force_login(applicant)
            paths = [
                "/dashboard/",
                "/calls/",
                f"/calls/{call.code}/",
                f"/proposals/{proposal.pk}/",
                f"/proposals/{proposal.pk}/consortium/",
                f"/proposals/{proposal.pk}/budget/",
                f"/proposals/{proposal.pk}/pdf/",
                f"/proposals/{proposal.pk}/letter/",
                f"/proposals/{proposal.pk}/evaluation/",
            ]
            for path in paths:
                response = client.get(path, follow=True)
                assert response.status_code == 200, path
                shown = text_of(response)
                leaked = [secret for secret in secrets if flat(secret) in shown]
                assert not leaked, f"{path} shows {leaked} to {applicant.email}"
    applicant_mail = [
        m for m in mail.outbox if not set(m.to) & {r.email for r in reviewers} and "@" in m.to[0]
    ]
    assert applicant_mail
    for message in applicant_mail:
        bodies = [message.body] + [
            content for content, _type in getattr(message, "alternatives", [])
        ]
        bodies += [
            "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
            for _name, data, _mime in message.attachments
        ]
        for body in map(flat, bodies):
            assert not [secret for secret in secrets if flat(secret) in body], message.subject
