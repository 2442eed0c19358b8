"""The API's writes go through the pages' workflow functions: a province confirms its share,
a payment is recorded against an instalment, other funders' records are imported."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.models import AuditEntry, Disbursement, ExternalRecord, Role, TokenScope
from grants.models.decisions import AwardShare, Payment, ProvincialConfirmation
from tests.factories import make_user
from tests.grants.api.factories import bearer, funded_project
from tests.grants.overlaps.factories_records import record_row, records_file
from tests.grants.projects.paying import start_projects

WRITE = TokenScope.WRITE


@pytest.fixture
def world(reference):
    fund = make_user(roles=[Role.FUND_OFFICER])
    project, _lead = funded_project(fund)
    share = AwardShare.objects.get(decision__project=project, province_id="310000")
    instalment = Payment.objects.create(share=share, year=1, amount=share.charged)
    return {
        "fund": fund,
        "shanghai": make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000"),
        "zhejiang": make_user(roles=[Role.PROVINCIAL_OFFICER], province="330000"),
        "project": project,
        "instalment": instalment,
    }


def test_a_provincial_officer_confirms_the_provinces_share(client, world):
    code = world["project"].proposal.call.code
    response = client.post(
        f"/api/v1/calls/{code}/confirmation/", **bearer(world["shanghai"], WRITE)
    )
    assert response.status_code == 200
    assert response.json() == {"call": code, "province": "310000", "final": False}
    assert ProvincialConfirmation.objects.filter(province_id="310000").count() == 1
    assert AuditEntry.objects.filter(action="funding.confirmed", actor=world["shanghai"]).exists()


def test_confirming_before_any_funding_is_refused_in_the_error_shape(client, world):
    from tests.factories import make_call

    code = make_call().code
    response = client.post(
        f"/api/v1/calls/{code}/confirmation/", **bearer(world["shanghai"], WRITE)
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "nothing"


def test_a_province_records_a_payment_on_its_instalment(client, world):
    start_projects(world["project"].proposal.call)
    instalment = world["instalment"]
    response = client.post(
        f"/api/v1/payments/{instalment.pk}/disbursements/",
        {"amount": "1000.00", "paid_on": "2026-03-02", "voucher": "SH-001"},
        content_type="application/json",
        **bearer(world["shanghai"], WRITE),
    )
    assert response.status_code == 201, response.json()
    assert response.json()["voucher"] == "SH-001"
    instalment.refresh_from_db()
    assert str(instalment.paid) == "1000.00"
    assert Disbursement.objects.get().paid_on == date(2026, 3, 2)
    assert AuditEntry.objects.filter(action="project.payment_recorded").count() == 1


def test_a_refused_payment_names_the_field(client, world):
    start_projects(world["project"].proposal.call)
    response = client.post(
        f"/api/v1/payments/{world['instalment'].pk}/disbursements/",
        {"amount": "99999999.00", "paid_on": "2026-03-02", "voucher": "SH-001"},
        content_type="application/json",
        **bearer(world["shanghai"], WRITE),
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["amount"]
    assert not Disbursement.objects.exists()


def test_another_provinces_instalment_is_not_there(client, world):
    response = client.post(
        f"/api/v1/payments/{world['instalment'].pk}/disbursements/",
        {"amount": "1.00", "paid_on": "2026-03-02", "voucher": "ZJ-1"},
        content_type="application/json",
        **bearer(world["zhejiang"], WRITE),
    )
    assert response.status_code == 404


def test_the_fund_office_imports_other_funders_records(client, world):
    upload = SimpleUploadedFile("records.csv", records_file(), content_type="text/csv")
    response = client.post(
        "/api/v1/external-records/import/", {"file": upload}, **bearer(world["fund"], WRITE)
    )
    assert response.status_code == 201
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}
    assert ExternalRecord.objects.get().imported_by == world["fund"]


def test_a_file_with_a_bad_row_imports_nothing_and_says_where(client, world):
    upload = SimpleUploadedFile(
        "records.csv", records_file(record_row(amount="lots")), content_type="text/csv"
    )
    response = client.post(
        "/api/v1/external-records/import/", {"file": upload}, **bearer(world["fund"], WRITE)
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"][0].startswith("Row 2")
    assert not ExternalRecord.objects.exists()
