"""The change pages and the early-end forms, through their views."""

from decimal import Decimal as D

import pytest

from grants.models import (
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Institution,
    Payment,
    ProjectStatus,
    Refund,
)
from grants.projects import changes
from grants.projects.change_rules import Move
from tests.factories import make_user
from tests.grants.projects.change_factories import running_project
from tests.grants.projects.factories import provincial_officer

pytestmark = pytest.mark.django_db


def moves_data(*rows, reason="The instrument costs more."):
    data = {
        "moves-TOTAL_FORMS": "3",
        "moves-INITIAL_FORMS": "0",
        "moves-MIN_NUM_FORMS": "0",
        "moves-MAX_NUM_FORMS": "20",
        "reason": reason,
    }
    for index in range(3):
        source, member, category, year, amount = (
            rows[index]
            if index < len(rows)
            else (
                "",
                "",
                "equipment",
                "1",
                "",
            )
        )
        data.update(
            {
                f"moves-{index}-source": source,
                f"moves-{index}-member": member,
                f"moves-{index}-category": category,
                f"moves-{index}-year": year,
                f"moves-{index}-amount": amount,
            }
        )
    return data


def test_the_lead_asks_for_a_reallocation_on_the_project_page(client, reference):
    project, lead, partner, _ = running_project()
    client.force_login(lead.pi)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert f"/projects/{project.pk}/changes/new/reallocation/" in page
    url = f"/projects/{project.pk}/changes/new/reallocation/"
    assert client.get(url).status_code == 200
    source = f"{lead.pk}:operations:1"
    # Too much: the message stands beside the amount, and what was typed stays.
    response = client.post(
        url, moves_data((source, str(partner.pk), "operations", "1", "9,999,999"))
    )
    body = response.content.decode()
    assert response.status_code == 200 and "holds" in body
    assert 'value="9,999,999"' in body and not ChangeRequest.objects.exists()
    # Nothing to move.
    response = client.post(url, moves_data())
    assert "Enter at least one amount to move." in response.content.decode()
    response = client.post(url, moves_data((source, str(partner.pk), "operations", "1", "5,000")))
    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/changes/{change.pk}/")
    assert change.details["consent_from"] == ["310000", "330000"]
    listing = client.get(f"/projects/{project.pk}/changes/").content.decode()
    assert f'data-change="{change.pk}"' in listing


def test_a_new_pi_by_e_mail(client, reference):
    project, lead, partner, _ = running_project()
    client.force_login(lead.pi)
    url = f"/projects/{project.pk}/changes/new/pi/"
    data = {"member": partner.pk, "email": "nobody@example.org", "reason": "Retired."}
    body = client.post(url, data).content.decode()
    assert "No one is registered" in body and 'value="nobody@example.org"' in body
    successor = make_user(institution="浙江大学")
    response = client.post(url, {**data, "email": successor.email})
    assert response.status_code == 302
    assert ChangeRequest.objects.get().details["pi"] == successor.pk


def test_a_new_partner_and_an_extension(client, reference):
    project, lead, partner, _ = running_project()
    client.force_login(lead.pi)
    url = f"/projects/{project.pk}/changes/new/partner/"
    same = Institution.objects.get(name_zh="浙江大学")
    body = client.post(
        url, {"member": partner.pk, "institution": same.pk, "email": "", "reason": "Moved."}
    ).content.decode()
    assert "field-invalid" in body
    nanjing = Institution.objects.get(name_zh="南京大学")
    pi = make_user(institution="南京大学")
    response = client.post(
        url,
        {"member": partner.pk, "institution": nanjing.pk, "email": pi.email, "reason": "Moved."},
    )
    assert response.status_code == 302
    ChangeRequest.objects.update(status=ChangeStatus.WITHDRAWN)
    url = f"/projects/{project.pk}/changes/new/extension/"
    body = client.post(url, {"months": "30", "reason": "Late."}).content.decode()
    assert "field-invalid" in body and 'value="30"' in body
    assert client.post(url, {"months": "6", "reason": "Late."}).status_code == 302
    assert client.get(f"/projects/{project.pk}/changes/new/other/").status_code == 404


def test_only_the_lead_asks(client, reference):
    project, _, partner, officer = running_project()
    for user in (partner.pi, officer):
        client.force_login(user)
        assert client.get(f"/projects/{project.pk}/changes/new/extension/").status_code == 403


def _asked(project, lead, partner):
    return changes.change_request(
        project=project,
        actor=lead.pi,
        kind=ChangeKind.REALLOCATION,
        details={
            "moves": [Move((lead.pk, "operations", 1), (partner.pk, "operations", 1), D("5000"))]
        },
        reason="Field work.",
    )


def test_the_provinces_consent_then_the_office_decides(client, reference):
    project, lead, partner, officer = running_project()
    change = _asked(project, lead, partner)
    base = f"/projects/{project.pk}/changes/{change.pk}/"
    client.force_login(officer)
    body = client.post(base + "decide/", {"approve": "yes"}).content.decode()
    assert "Every affected province must consent" in body
    for code in ("310000", "330000"):
        client.force_login(provincial_officer(code))
        assert "Answer for your province" in client.get(base).content.decode()
        body = client.post(base + "consent/", {"approve": "no", "note": ""}).content.decode()
        assert "field-invalid" in body
        assert client.post(base + "consent/", {"approve": "yes"}).status_code == 302
    client.force_login(provincial_officer("340000"))
    assert client.get(base + "consent/").status_code == 404
    client.force_login(officer)
    body = client.post(base + "decide/", {"approve": "no", "note": ""}).content.decode()
    assert "field-invalid" in body
    assert client.post(base + "decide/", {"approve": "yes", "note": ""}).status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    assert 'data-status="approved"' in client.get(base).content.decode()


def test_the_office_suspends_and_terminates_from_the_project_page(client, reference):
    project, _, _, officer = running_project()
    first = Payment.objects.filter(share__decision=project.decision, year=1)
    for payment in first:
        payment.paid = payment.amount
        payment.save()
    client.force_login(officer)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert f"/projects/{project.pk}/suspend/" in page and "terminate-kept_310000" in page
    body = client.post(f"/projects/{project.pk}/suspend/", {"suspend-reason": ""}).content.decode()
    assert "field-invalid" in body
    response = client.post(f"/projects/{project.pk}/suspend/", {"suspend-reason": "Audit."})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUSPENDED
    assert client.post(f"/projects/{project.pk}/resume/").status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.RUNNING
    url = f"/projects/{project.pk}/terminate/"
    body = client.post(
        url, {"terminate-reason": "Stopped.", "terminate-kept_310000": "999,999,999"}
    ).content.decode()
    assert "More than the province has paid." in body and 'value="999,999,999"' in body
    response = client.post(url, {"terminate-reason": "Stopped.", "terminate-kept_310000": "1,000"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.TERMINATED
    shanghai = Refund.objects.get(project=project, province_id="310000")
    assert shanghai.amount == first.get(share__province_id="310000").paid - D("1000")
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-refund="310000"' in page and 'data-refund="330000"' in page
    assert f"/projects/{project.pk}/refunds/{shanghai.pk}/" in page


def test_the_consortium_sees_refunds_but_no_early_end_form(client, reference):
    project, lead, _, officer = running_project()
    client.force_login(lead.pi)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "/suspend/" not in page
    assert (
        client.post(f"/projects/{project.pk}/suspend/", {"suspend-reason": "x"}).status_code == 403
    )


def test_the_lead_withdraws_a_pending_change(client, reference):
    project, lead, partner, _ = running_project()
    change = _asked(project, lead, partner)
    url = f"/projects/{project.pk}/changes/{change.pk}/withdraw/"
    client.force_login(partner.pi)
    assert client.post(url).status_code == 403
    client.force_login(lead.pi)
    assert "Withdraw the request" in client.get(url.replace("withdraw/", "")).content.decode()
    assert client.post(url).status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeStatus.WITHDRAWN
    # Another change may be asked now.
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert f"/projects/{project.pk}/changes/new/extension/" in page
