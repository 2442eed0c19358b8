import itertools

from django.core.management import call_command

from grants.models import RoleGrant, User
from tests.factories import (
    PASSWORD,  # noqa: F401  (documents that the demo uses its own)
    sign_in,
)

DEMO_LOGINS = {
    "officer@example.org": "fund_officer",
    "shanghai@example.org": "provincial_officer",
    "jiangsu@example.org": "provincial_officer",
    "zhejiang@example.org": "provincial_officer",
    "anhui@example.org": "provincial_officer",
    "lead@example.org": "applicant",
    "partner@example.org": "applicant",
    "applicant2@example.org": "applicant",
    "reviewer@example.org": "reviewer",
    "chair@example.org": "panel_chair",
    "admin@example.org": None,
}


def seed():
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_seed_demo_twice_duplicates_nothing(reference):
    seed()
    counts = (User.objects.count(), RoleGrant.objects.count())
    seed()
    assert (User.objects.count(), RoleGrant.objects.count()) == counts
    assert User.objects.filter(role_grants__role="reviewer").count() >= 40


def test_every_demo_login_reaches_its_dashboard(client, reference, settings):
    seed()
    for email, role in DEMO_LOGINS.items():
        client.logout()
        response = sign_in(
            client, email, settings.DEMO_PASSWORD, totp_secret=settings.DEMO_TOTP_SECRET
        )
        assert response.status_code == 302, email
        page = client.get("/dashboard/")
        assert page.status_code == 200, email
        if role:
            assert f'data-role="{role}"' in page.text, email
    assert User.objects.get(email="admin@example.org").is_superuser
    assert User.objects.get(email="reviewer@example.org").institution.name_en == "Wuhan University"


def test_demo_shows_an_open_call_and_one_in_review_with_work_waiting(client, reference, settings):
    from grants.models import Call, MemberStatus, Proposal
    from reviews.models import Assignment, Panel, Review

    seed()
    assert Call.objects.open_now().filter(code="2026-info-eng").exists()
    in_review = Call.objects.get(code="2026-digital-delta")
    assert in_review.status == "in_review"
    assert (
        Review.objects.filter(assignment__call=in_review, submitted_at__isnull=False).count() >= 10
    )
    assert Panel.objects.filter(call=in_review, chair__email="chair@example.org").exists()
    assert Assignment.objects.filter(
        reviewer__email="reviewer@example.org", status="invited"
    ).exists()
    draft = Proposal.objects.get(lead__email="lead@example.org", status="draft")
    assert draft.members.filter(
        pi__email="partner@example.org", status=MemberStatus.ACCEPTED
    ).exists()
    for email, marker in [("reviewer@example.org", "/reviews/"), ("chair@example.org", "/panels/")]:
        client.logout()
        sign_in(client, email, settings.DEMO_PASSWORD, totp_secret=settings.DEMO_TOTP_SECRET)
        assert marker in client.get("/dashboard/").text


def test_demo_has_a_decided_call_whose_ledger_adds_up(reference):
    from grants.funding import payments
    from grants.models import Call, Province

    seed()
    call = Call.objects.get(code="2025-materials")
    assert call.status == "decided" and call.funding_round.final_at
    rows = payments.ledger(
        Call.objects.filter(pk=call.pk), Province.objects.filter(is_funding=True)
    )
    assert len(rows) == 4 and any(row.committed for row in rows) and any(row.paid for row in rows)
    for row in rows:
        assert row.committed <= row.contributed
        assert row.remaining == row.contributed - row.committed


def test_demo_project_has_a_report_to_decide_and_a_change_to_consent(client, reference, settings):
    from grants.models import ChangeStatus, Project, ReportStatus
    from grants.projects import changes

    seed()
    running = Project.objects.get(status="running", proposal__lead__email="lead@example.org")
    assert running.reports.filter(status=ReportStatus.SUBMITTED, kind="annual", year=1).exists()
    change = running.changes.get(status=ChangeStatus.PENDING)
    waiting = changes.consents_missing(change)
    assert waiting and set(waiting) < set(change.details["consent_from"])
    officer = User.objects.get(
        role_grants__role="provincial_officer", role_grants__province_id=waiting[0]
    )
    sign_in(client, officer.email, settings.DEMO_PASSWORD, totp_secret=settings.DEMO_TOTP_SECRET)
    assert f"/projects/{running.pk}/changes/{change.pk}/" in client.get("/dashboard/").text
    client.logout()
    sign_in(
        client, "officer@example.org", settings.DEMO_PASSWORD, totp_secret=settings.DEMO_TOTP_SECRET
    )
    report = running.reports.get(status=ReportStatus.SUBMITTED)
    assert f"/projects/reports/{report.pk}/" in client.get("/dashboard/").text


def test_demo_has_a_call_that_draws_with_a_group_at_its_funding_line(reference):
    from grants.funding import decisions, simulation
    from grants.models import Call
    from grants.site.demo.drawing_call import DRAWING_CALL
    from reviews import calibration

    seed()
    call = Call.objects.get(code=DRAWING_CALL)
    assert call.status == "in_panel" and call.draw_at_funding_line
    fit = calibration.latest_fit(call)
    _plain, _intervals, line, group = decisions.line_and_group(call, fit)
    assert line == 2 and len(group) >= 2
    # The draw is left for the office to hold: committing waits for it.
    assert decisions.commit_refusal(call).code == "draw_owed"
    # Whichever order the draw gives the group, the pools pay two, and which two it decides.
    plain = _plain.rows
    in_group = [place for place in plain if place.pk in group]
    funded_pairs = set()
    for order in itertools.permutations(in_group):
        ranking = iter(order)
        rows = [next(ranking) if place.pk in group else place for place in plain]
        outcome = simulation.simulate(
            decisions.requests_for(rows), decisions.pools_for(call), call.funding_model, 0, {}
        )
        assert len(outcome.funded) == 2
        funded_pairs.add(frozenset(award.proposal for award in outcome.funded))
    assert len(funded_pairs) > 1
