"""The demo fund: believable people and data, created through the portal's own write paths."""

from django.db import transaction

from grants.site.demo.decided_call import seed_decided_call
from grants.site.demo.drawing_call import seed_drawing_call
from grants.site.demo.open_call import seed_open_call, seed_proposals
from grants.site.demo.overlaps import seed_overlaps
from grants.site.demo.people import demo_logins, seed_people
from grants.site.demo.review_call import seed_review_call


@transaction.atomic
def seed(stdout=None):
    write = stdout.write if stdout else (lambda line: None)
    seed_people()
    write("Demo people ready.")
    call = open_call = seed_open_call()
    seed_proposals(call)
    write(f"Open call {call.code} with drafts and submitted proposals ready.")
    call = seed_review_call()
    write(f"Call {call.code} in review with assignments, reviews and a panel ready.")
    call = seed_decided_call()
    write(
        f"Call {call.code} decided: letters sent, a project running with its first year paid,"
        " another with its task book out for signature."
    )
    call = seed_drawing_call()
    write(f"Call {call.code} at its panel stage, drawing at the funding line, its ranking fitted.")
    seed_overlaps(open_call)
    write(
        "Other funders' records and the shared instrument catalogue imported; the open call checked for overlaps."
    )
    return demo_logins()
