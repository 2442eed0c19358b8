"""Parallel starts of a proposal by one PI make one draft (row locks: PostgreSQL only)."""

import pytest
from django.db import connection

from grants.models import Proposal
from grants.proposals import proposal_workflow
from tests.factories import make_call, make_user
from tests.trust.test_concurrency import all_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_ten_parallel_starts_by_one_pi_make_exactly_one_draft(reference):
    call = make_call()
    lead = make_user(institution="复旦大学")

    def start():
        proposal_workflow.proposal_start(call=call, lead=lead)

    results = all_at_once(start, [()] * 10)

    assert results == ["ok"] * 10
    assert Proposal.objects.filter(call=call, lead=lead).count() == 1
