import pytest
from playwright.sync_api import expect

from grants.models import Role
from reviews import workflow
from reviews.models import Review
from tests.e2e.conftest import link_in_mail, sign_in, with_authenticator
from tests.factories import make_user
from tests.reviews.factories import make_review_call, make_reviewer

pytestmark = pytest.mark.e2e

SCORES = {
    "Excellence": "4.5",
    "Impact": "4",
    "Implementation": "3.5",
    "Collaboration across provinces": "4",
}


def test_a_reviewer_declares_no_conflict_and_submits_a_review(page, mailoutbox):
    _call, (proposal, _other) = make_review_call(n_proposals=2)
    reviewer = with_authenticator(make_reviewer(institution="武汉大学", name="武评审"))
    officer = make_user(roles=[Role.FUND_OFFICER])
    workflow.assignment_add(proposal=proposal, reviewer=reviewer, actor=officer)

    sign_in(page, reviewer.email)
    page.goto(link_in_mail(mailoutbox, reviewer.email, "/reviews/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My reviews")
    page.locator("tr", has_text=proposal.reference).get_by_role("link", name="Answer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review invitation")
    expect(page.get_by_role("main")).to_contain_text(proposal.reference)
    # The narrative stays hidden until the reviewer has declared no conflict.
    expect(page.get_by_role("main")).not_to_contain_text("立项依据。")

    page.get_by_role("button", name="Accept and start reviewing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review invitation")  # not ticked
    page.get_by_label("I declare that I have no conflict of interest").check()
    page.get_by_role("button", name="Accept and start reviewing").click()
    expect(page.get_by_role("main")).to_contain_text("立项依据。")

    for criterion, score in SCORES.items():
        group = page.get_by_role("group", name=criterion)
        group.get_by_label("score").select_option(score)
        group.get_by_label("justification").fill(f"{criterion}: 论证充分。")
    page.get_by_label("Comments for the applicants").fill("研究目标明确，建议细化技术路线。")
    page.get_by_label("Overall rating").select_option("good")
    page.get_by_label("Funding advice").select_option("fundable")
    page.get_by_role("button", name="Submit review").click()

    expect(page.get_by_role("status")).to_contain_text("Review submitted.")
    expect(page.locator("main .badge").first).to_have_text("Submitted")
    expect(page.get_by_label("Comments for the applicants")).to_have_value(
        "研究目标明确，建议细化技术路线。"
    )
    page.get_by_role("link", name="My reviews").click()
    expect(page.locator("tr", has_text=proposal.reference)).to_contain_text("Submitted")
    review = Review.objects.get(assignment__reviewer=reviewer)
    assert review.submitted_at and review.scores["excellence"] == "4.5"
