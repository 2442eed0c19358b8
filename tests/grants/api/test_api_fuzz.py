"""Schemathesis fuzzes every API endpoint from its OpenAPI schema, as the fund office, a
provincial officer and an applicant, each with a read-write token: no answer is a server error,
and every answer (status, content type, body) is one the schema documents.

The portal runs in this process on the test database (Django's WSGI application), so the
cases see the scenario written below."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from grants.models import Role, TokenScope
from grants.models.decisions import AwardShare, Payment
from tests.factories import make_user
from tests.grants.api.factories import bearer, funded_project

EXAMPLES = 12
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def callers(reference):
    fund = make_user(roles=[Role.FUND_OFFICER])
    project, lead = funded_project(fund)
    share = AwardShare.objects.get(decision__project=project, province_id="310000")
    Payment.objects.create(share=share, year=1, amount=share.charged)
    shanghai = make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000")
    return {
        name: {"Authorization": bearer(user, TokenScope.WRITE)["HTTP_AUTHORIZATION"]}
        for name, user in (("fund_officer", fund), ("provincial", shanghai), ("applicant", lead))
    }


@pytest.fixture
def portal():
    """The WSGI application, without Django closing the test's connection after each request
    (as its own test client does), so every request runs inside the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    cache.clear()  # a fresh throttle
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("role", ["fund_officer", "provincial", "applicant"])
def test_every_endpoint_answers_within_its_schema(callers, portal, role):
    headers = callers[role]
    found = operations(portal)
    assert len(found) >= 18
    for operation in found:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_within_schema(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        answers_within_schema()
