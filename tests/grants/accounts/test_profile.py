from grants.models import Institution
from tests.factories import make_user


def test_new_user_completes_profile_before_anything_else(client, reference):
    user = make_user(complete=False)
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/profile/?next=%2Fdashboard%2F"


def test_profile_saves_and_returns_to_where_the_user_was_going(client, reference):
    user = make_user(complete=False)
    client.force_login(user)
    fudan = Institution.objects.get(name_zh="复旦大学")
    response = client.post(
        "/profile/",
        {
            "name": "李明",
            "institution": fudan.pk,
            "title": "professor",
            "orcid": "0000-0002-1825-0097",
            "keywords": "机器学习，图神经网络",
            "next": "/dashboard/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    user.refresh_from_db()
    assert (user.name, user.province.code, user.keywords) == (
        "李明",
        "310000",
        "机器学习, 图神经网络",
    )
    assert client.get("/dashboard/").status_code == 200


def test_profile_refuses_bad_orcid_and_keeps_what_was_typed(client, reference):
    user = make_user(complete=False)
    client.force_login(user)
    fudan = Institution.objects.get(name_zh="复旦大学")
    response = client.post(
        "/profile/",
        {
            "name": "李明",
            "institution": fudan.pk,
            "title": "professor",
            "orcid": "0000-0002-1825-0098",
            "keywords": "robotics",
        },
    )
    assert response.status_code == 200
    assert "check digit is wrong" in response.text
    assert 'value="李明"' in response.text and 'value="robotics"' in response.text
    user.refresh_from_db()
    assert user.orcid == "" and not user.profile_complete


def test_profile_requires_an_institution(client, reference):
    user = make_user(complete=False)
    client.force_login(user)
    response = client.post("/profile/", {"name": "李明", "title": "professor"})
    assert response.status_code == 200
    assert response.context["form"].errors["institution"] == ["This field is required."]


def test_profile_ignores_a_next_pointing_elsewhere(client, reference):
    user = make_user(complete=False)
    client.force_login(user)
    fudan = Institution.objects.get(name_zh="复旦大学")
    response = client.post(
        "/profile/",
        {
            "name": "李明",
            "institution": fudan.pk,
            "title": "professor",
            "next": "https://evil.example.com/",
        },
    )
    assert response["Location"] == "/dashboard/"
