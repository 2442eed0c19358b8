import re

from django.core import mail

from grants.models import User
from tests.factories import PASSWORD, make_user


def test_signup_needs_email_verification_before_login(client, reference):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "New.Person@Example.org",
            "password1": "a-long-pass-2026",
            "password2": "a-long-pass-2026",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="new.person@example.org")
    assert not user.emailaddress_set.get().verified
    assert client.get("/dashboard/").status_code == 302

    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[0].body).group(
        1
    )
    assert client.post(link).status_code == 302
    assert user.emailaddress_set.get().verified
    # Verified and signed in, the new user is sent to the profile first.
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/profile/")


def test_unverified_user_cannot_sign_in(client, reference):
    user = make_user()
    user.emailaddress_set.update(verified=False)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/dashboard/").status_code == 302


def test_verified_user_signs_in_with_email(client, reference):
    user = make_user()
    response = client.post("/accounts/login/", {"login": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_repeated_wrong_passwords_are_rate_limited(client, reference):
    user = make_user()
    for _ in range(5):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 429 or "Too many" in response.text


def test_password_reset_sends_a_link(client, reference):
    user = make_user()
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/password/reset/key/" in mail.outbox[0].body


def test_dashboard_heading_names_the_institution_and_its_province_in_one_query(client, reference):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_user(institution="浙江大学"))
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/dashboard/")
    assert "Zhejiang University · Zhejiang" in response.content.decode()
    reference_reads = [q for q in captured if '"grants_province"' in q["sql"]]
    reference_reads += [q for q in captured if '"grants_institution"' in q["sql"]]
    assert len(reference_reads) == 2  # the same query, counted once for each table
    assert reference_reads[0] == reference_reads[1]
