import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from grants.accounts.registration import user_totp_set
from grants.core.errors import WorkflowError
from grants.models import AuditEntry, Institution, Role, RoleGrant, User
from reviews import pool, pool_import
from reviews.models import AssignmentStatus, ExpertInvitation, ReviewerProfile
from tests.factories import TOTP_SECRET, make_call, make_proposal, make_user
from tests.reviews.factories import eligible, make_assignment, make_reviewer

# ---- expert invitations -------------------------------------------------------------------


@pytest.fixture
def officer(reference):
    return make_user(roles=[Role.FUND_OFFICER])


@pytest.fixture
def invited(officer):
    mail.outbox.clear()
    token = pool.expert_invitation_send(
        actor=officer, email=" Wang.Expert@Example.org ", name="王专家"
    )
    return officer, token


def is_reviewer(user):
    return RoleGrant.objects.filter(user=user, role=Role.REVIEWER).exists()


def test_invitation_email_carries_a_single_use_link(invited):
    _, token = invited
    assert mail.outbox[0].to == ["wang.expert@example.org"]
    assert f"/experts/invitations/{token}/" in mail.outbox[0].body
    invitation = ExpertInvitation.objects.get()
    assert invitation.token_digest != token and token not in invitation.token_digest
    assert invitation.expires_at - invitation.created_at == pytest.approx(
        timedelta(days=14), abs=timedelta(seconds=5)
    )


def test_accepting_grants_the_reviewer_role_and_a_profile(invited):
    _, token = invited
    expert = make_user(institution="武汉大学")
    profile = pool.expert_invitation_accept(token=token, user=expert)
    assert is_reviewer(expert)
    assert profile.user == expert and profile.available and profile.max_reviews_per_call == 6
    invitation = ExpertInvitation.objects.get()
    assert invitation.used_at and invitation.accepted_by == expert
    assert invitation.state == "accepted"
    entry = AuditEntry.objects.get(action="expert_invitation.accepted")
    assert entry.actor == expert and entry.after["invited"] == "wang.expert@example.org"


def test_accepting_keeps_an_existing_reviewer_profile(invited):
    _, token = invited
    expert = make_user(institution="武汉大学")
    ReviewerProfile.objects.create(user=expert, max_reviews_per_call=2)
    pool.expert_invitation_accept(token=token, user=expert)
    assert ReviewerProfile.objects.get(user=expert).max_reviews_per_call == 2


def test_invitation_cannot_be_used_twice(invited):
    _, token = invited
    pool.expert_invitation_accept(token=token, user=make_user(institution="武汉大学"))
    with pytest.raises(WorkflowError) as reused:
        pool.expert_invitation_accept(token=token, user=make_user(institution="北京大学"))
    assert reused.value.code == "used"


def test_invitation_works_until_it_expires_after_14_days(invited):
    _, token = invited
    later = timezone.now() + timedelta(days=14, seconds=1)
    with pytest.raises(WorkflowError) as expired:
        pool.expert_invitation_accept(token=token, user=make_user(), now=later)
    assert expired.value.code == "expired"
    almost = timezone.now() + timedelta(days=13, hours=23)
    pool.expert_invitation_accept(token=token, user=make_user(), now=almost)


def test_unknown_token_is_refused(reference):
    with pytest.raises(WorkflowError) as unknown:
        pool.expert_invitation_accept(token="not-a-token", user=make_user())
    assert unknown.value.code == "unknown"


def test_officer_revokes_a_pending_invitation(client, invited):
    officer, token = invited
    invitation = ExpertInvitation.objects.get()
    client.force_login(officer)
    response = client.post(f"/office/reviewers/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == "/office/reviewers/"
    with pytest.raises(WorkflowError) as revoked:
        pool.expert_invitation_accept(token=token, user=make_user())
    assert revoked.value.code == "revoked"
    assert AuditEntry.objects.filter(action="expert_invitation.revoked", actor=officer).exists()


def test_an_answered_invitation_cannot_be_revoked(invited):
    officer, token = invited
    pool.expert_invitation_accept(token=token, user=make_user())
    with pytest.raises(WorkflowError) as answered:
        pool.expert_invitation_revoke(invitation=ExpertInvitation.objects.get(), actor=officer)
    assert answered.value.code == "not_pending"


def test_a_new_invitation_replaces_the_old_link(invited):
    officer, old = invited
    new = pool.expert_invitation_send(actor=officer, email="wang.expert@example.org", name="王")
    with pytest.raises(WorkflowError) as replaced:
        pool.expert_invitation_accept(token=old, user=make_user())
    assert replaced.value.code == "revoked"
    pool.expert_invitation_accept(token=new, user=make_user())


def test_someone_already_in_the_pool_is_not_invited(officer):
    reviewer = make_reviewer()
    with pytest.raises(WorkflowError) as member:
        pool.expert_invitation_send(actor=officer, email=reviewer.email.upper(), name="X")
    assert member.value.code == "member"


def test_declining_uses_the_link_without_granting_the_role(client, invited):
    _, token = invited
    expert = make_user(institution="北京大学")
    client.force_login(expert)
    response = client.post(f"/experts/invitations/{token}/", {"answer": "decline"})
    assert response["Location"] == "/dashboard/"
    assert not is_reviewer(expert)
    assert ExpertInvitation.objects.get().state == "declined"


def test_invite_form_shows_errors_beside_the_fields(client, officer):
    client.force_login(officer)
    response = client.post("/office/reviewers/invite/", {"name": "", "email": "not-an-address"})
    assert response.status_code == 200
    assert set(response.context["invite_form"].errors) == {"name", "email"}
    assert not ExpertInvitation.objects.exists()


def test_officer_invites_from_the_pool_page(client, officer):
    client.force_login(officer)
    fudan = Institution.objects.get(name_zh="香港大学")
    response = client.post(
        "/office/reviewers/invite/",
        {"name": "陈专家", "email": "chen@example.org", "institution": fudan.pk},
    )
    assert response.status_code == 302
    invitation = ExpertInvitation.objects.get()
    assert (invitation.email, invitation.institution, invitation.invited_by) == (
        "chen@example.org",
        fudan,
        officer,
    )
    assert "陈专家" in client.get("/office/reviewers/").text


def test_a_spent_link_shows_no_invitation_to_a_stranger(client, invited):
    _, token = invited
    pool.expert_invitation_accept(token=token, user=make_user())
    page = client.get(f"/experts/invitations/{token}/")
    assert page.status_code == 200 and "not valid any more" in page.text
    assert "Create an account" not in page.text


def test_new_expert_signs_up_and_lands_back_on_the_invitation(client, invited):
    _, token = invited
    here = f"/experts/invitations/{token}/"
    page = client.get(here)
    assert page.status_code == 200 and "Create an account" in page.text
    signup = re.search(r'href="(/accounts/signup/\?next=[^"]+)"', page.text).group(1)
    response = client.post(
        signup.replace("&amp;", "&"),
        {
            "email": "wang.expert@example.org",
            "password1": "a-long-pass-2026",
            "password2": "a-long-pass-2026",
        },
    )
    assert response.status_code == 302
    confirm = re.search(
        r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[-1].body
    ).group(1)
    response = client.post(confirm)
    assert response["Location"] == here
    # A new account completes the researcher profile first, then comes back.
    response = client.get(here)
    assert response["Location"].startswith("/profile/?next=%2Fexperts%2Finvitations%2F")
    whu = Institution.objects.get(name_zh="武汉大学")
    response = client.post(
        response["Location"],
        {"name": "王专家", "institution": whu.pk, "title": "professor", "next": here},
    )
    assert response["Location"] == here
    assert "Accept and join the pool" in client.get(here).text
    response = client.post(here, {"answer": "accept"})
    assert response["Location"] == "/reviews/settings/"
    expert = User.objects.get(email="wang.expert@example.org")
    assert is_reviewer(expert) and ReviewerProfile.objects.filter(user=expert).exists()
    # A reviewer sees unpublished proposals: a second factor comes before anything else.
    assert client.get("/reviews/settings/")["Location"] == "/accounts/2fa/totp/activate/"
    user_totp_set(user=expert, secret=TOTP_SECRET)
    assert client.get("/reviews/settings/").status_code == 200


# ---- CSV import ---------------------------------------------------------------------------

HEADER = "email,name,institution_zh,disciplines,keywords,max_reviews\n"


def csv_bytes(*lines, bom=False):
    text = HEADER + "".join(line + "\n" for line in lines)
    return (("\ufeff" if bom else "") + text).encode("utf-8")


GOOD = 'li@example.org,李审稿,武汉大学,F06; F0601 E01,"视觉, 学习",4'


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("li@example.org,李,某某大学,F06,,4", "unknown institution “某某大学”"),
        ("li@example.org,李,武汉大学,F06 Z99,,4", "unknown discipline code Z99"),
        ("li@example.org,李,武汉大学,,,4", "give at least one discipline code"),
        ("li@example,李,武汉大学,F06,,4", "“li@example” is not a valid e-mail address"),
        (",李,武汉大学,F06,,4", "the e-mail address is missing"),
        ("li@example.org,,武汉大学,F06,,4", "the name is missing"),
        ("li@example.org,李,,F06,,4", "the institution is missing"),
        ("li@example.org,李,武汉大学,F06,,0", "max_reviews must be a whole number from 1 to 30"),
        ("li@example.org,李,武汉大学,F06,,four", "max_reviews must be a whole number"),
        ("li@example.org,李,武汉大学,F06,视觉, 学习,4", "more fields than the header"),
    ],
)
def test_import_names_each_bad_row_and_why(reference, line, reason):
    rows, problems = pool_import.import_read(csv_bytes(line))
    assert rows == []
    assert [(p.line, len(p.reasons)) for p in problems] == [(2, 1)]
    assert reason in problems[0].reasons[0]


def test_import_flags_a_repeated_address_with_the_first_line(reference):
    rows, problems = pool_import.import_read(
        csv_bytes(GOOD, GOOD.replace("li@example.org", "LI@Example.org"))
    )
    assert len(rows) == 1
    assert [(p.line, p.reasons) for p in problems] == [
        (3, ["the e-mail address is repeated from line 2"])
    ]


def test_import_reads_codes_separated_by_spaces_or_semicolons(reference):
    (row,), problems = pool_import.import_read(csv_bytes(GOOD))
    assert problems == []
    assert [d.code for d in row.disciplines] == ["F06", "F0601", "E01"]
    assert (row.email, row.keywords, row.max_reviews) == ("li@example.org", "视觉, 学习", 4)


def test_import_reads_a_file_with_a_byte_order_mark(reference):
    (row,), problems = pool_import.import_read(csv_bytes(GOOD, bom=True))
    assert problems == [] and row.email == "li@example.org"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (HEADER.encode("utf-8"), "no reviewers below its header"),
        (b"", "The file is empty"),
        (b"email,name\nli@example.org,Li\n", "missing: institution_zh, disciplines"),
        ((HEADER + GOOD + "\n").encode("gb18030"), "not UTF-8"),
    ],
)
def test_import_refuses_an_unreadable_file(reference, data, message):
    with pytest.raises(pool_import.ImportFileError) as refused:
        pool_import.import_read(data)
    assert message in refused.value.message


def upload(client, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/office/reviewers/import/",
        {"file": SimpleUploadedFile("reviewers.csv", data, content_type="text/csv")},
    )


def test_import_is_all_or_nothing(client, officer):
    client.force_login(officer)
    users_before = User.objects.count()
    mail.outbox.clear()
    response = upload(client, csv_bytes(GOOD, "zhao@example.org,赵,某某大学,F06,,3"))
    assert response.status_code == 200
    assert [(p.line, p.email) for p in response.context["problems"]] == [(3, "zhao@example.org")]
    assert "unknown institution" in response.text
    assert User.objects.count() == users_before and mail.outbox == []


def test_import_creates_verified_reviewers_without_a_password(client, officer):
    from allauth.account.models import EmailAddress

    client.force_login(officer)
    mail.outbox.clear()
    response = upload(client, csv_bytes(GOOD, "chan@example.org,陈港,香港大学,F06,,", bom=True))
    assert response.status_code == 302 and response["Location"] == "/office/reviewers/"
    li = User.objects.get(email="li@example.org")
    assert (li.name, li.institution.name_zh, li.keywords) == ("李审稿", "武汉大学", "视觉, 学习")
    assert sorted(li.disciplines.values_list("code", flat=True)) == ["E01", "F06", "F0601"]
    assert not li.has_usable_password()
    assert EmailAddress.objects.get(user=li).verified
    assert is_reviewer(li) and li.reviewer_profile.max_reviews_per_call == 4
    chan = User.objects.get(email="chan@example.org")  # Hong Kong: outside the four, as usual
    assert chan.province.code == "810000" and chan.reviewer_profile.max_reviews_per_call == 6
    assert sorted(m.to[0] for m in mail.outbox) == ["chan@example.org", "li@example.org"]
    entry = AuditEntry.objects.get(action="reviewers.imported")
    assert entry.actor == officer and sorted(entry.after["created"]) == [
        "chan@example.org",
        "li@example.org",
    ]


def test_welcome_email_link_lets_the_reviewer_choose_a_password(client, officer):
    (row,), _ = pool_import.import_read(csv_bytes(GOOD))
    mail.outbox.clear()
    pool_import.reviewers_import(rows=[row], actor=officer)
    link = re.search(r"http://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    response = client.get(link.group(1))
    assert response.status_code == 302  # allauth moves the key into the session
    response = client.post(
        response["Location"], {"password1": "a-long-pass-2026", "password2": "a-long-pass-2026"}
    )
    assert response.status_code == 302
    client.logout()
    assert client.login(email="li@example.org", password="a-long-pass-2026")


def test_reimport_updates_instead_of_duplicating(officer):
    (row,), _ = pool_import.import_read(csv_bytes(GOOD))
    pool_import.reviewers_import(rows=[row], actor=officer)
    mail.outbox.clear()
    changed = GOOD.replace("李审稿", "李新名").replace("武汉大学", "北京大学").replace(",4", ",7")
    (row,), _ = pool_import.import_read(csv_bytes(changed))
    result = pool_import.reviewers_import(rows=[row], actor=officer)
    assert (result.created, result.updated) == ([], ["li@example.org"])
    li = User.objects.get(email="li@example.org")
    assert (li.name, li.institution.name_zh) == ("李新名", "北京大学")
    assert ReviewerProfile.objects.filter(user=li).count() == 1
    assert li.reviewer_profile.max_reviews_per_call == 7
    assert mail.outbox == []  # already in the pool: no second welcome


def test_reimport_keeps_the_profile_of_someone_who_has_signed_in(officer):
    (row,), _ = pool_import.import_read(csv_bytes(GOOD))
    pool_import.reviewers_import(rows=[row], actor=officer)
    User.objects.filter(email="li@example.org").update(last_login=timezone.now())
    (row,), _ = pool_import.import_read(
        csv_bytes(GOOD.replace("李审稿", "别的名字").replace(",4", ",2"))
    )
    pool_import.reviewers_import(rows=[row], actor=officer)
    li = User.objects.get(email="li@example.org")
    assert li.name == "李审稿" and li.reviewer_profile.max_reviews_per_call == 2


def test_import_adds_an_existing_researcher_to_the_pool(officer):
    researcher = make_user("Li@Example.org", institution="南京大学", name="李已有")
    mail.outbox.clear()
    (row,), _ = pool_import.import_read(csv_bytes(GOOD))
    pool_import.reviewers_import(rows=[row], actor=officer)
    assert User.objects.filter(email__iexact="li@example.org").count() == 1
    researcher.refresh_from_db()
    assert is_reviewer(researcher) and researcher.has_usable_password()
    assert "Sign in as usual" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in mail.outbox[0].body


# ---- a reviewer's own settings ------------------------------------------------------------


@pytest.fixture
def reviewer_client(client, reference):
    reviewer = make_reviewer()
    client.force_login(reviewer)
    return client, reviewer


def settings_post(**overrides):
    data = {"max_reviews_per_call": "4", "available": "on", "unavailable_until": ""}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_settings_page_shows_the_current_values(reviewer_client):
    client, reviewer = reviewer_client
    ReviewerProfile.objects.filter(user=reviewer).update(max_reviews_per_call=3)
    form = client.get("/reviews/settings/").context["form"]
    assert form.initial["max_reviews_per_call"] == 3 and form.initial["available"] is True


def test_settings_save_load_and_availability(reviewer_client):
    client, reviewer = reviewer_client
    until = timezone.localdate() + timedelta(days=30)
    response = client.post(
        "/reviews/settings/",
        settings_post(max_reviews_per_call="2", available=None, unavailable_until=until),
    )
    assert response.status_code == 302 and response["Location"] == "/reviews/settings/"
    profile = ReviewerProfile.objects.get(user=reviewer)
    assert (profile.max_reviews_per_call, profile.available, profile.unavailable_until) == (
        2,
        False,
        until,
    )
    entry = AuditEntry.objects.get(action="reviewer.settings_saved")
    assert entry.before["max_reviews_per_call"] == 6 and entry.after["unavailable_until"] == str(
        until
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"max_reviews_per_call": "0"}, "max_reviews_per_call", "greater than or equal to 1"),
        ({"max_reviews_per_call": "31"}, "max_reviews_per_call", "less than or equal to 30"),
        ({"max_reviews_per_call": ""}, "max_reviews_per_call", "required"),
        ({"unavailable_until": "2030-01-01"}, "unavailable_until", "leave this empty"),
        (
            {"available": None, "unavailable_until": "2020-01-01"},
            "unavailable_until",
            "after today",
        ),
    ],
)
def test_settings_errors_stand_beside_their_field(reviewer_client, overrides, field, message):
    client, reviewer = reviewer_client
    response = client.post("/reviews/settings/", settings_post(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in errors[field][0]
    assert f'id="id_{field}_error"' in response.text
    assert ReviewerProfile.objects.get(user=reviewer).max_reviews_per_call == 6


def test_settings_create_the_profile_a_reviewer_lacks(client, reference):
    reviewer = make_user(roles=[Role.REVIEWER])
    client.force_login(reviewer)
    assert client.get("/reviews/settings/").status_code == 200
    assert not ReviewerProfile.objects.filter(user=reviewer).exists()
    client.post("/reviews/settings/", settings_post(available=None))
    profile = ReviewerProfile.objects.get(user=reviewer)
    assert not profile.available and profile.unavailable_until is None


def test_availability_reopens_once_the_date_has_passed(reference):
    back = make_reviewer()
    away = make_reviewer()
    ReviewerProfile.objects.filter(user=back).update(
        available=False, unavailable_until=date(2026, 3, 1)
    )
    ReviewerProfile.objects.filter(user=away).update(available=False, unavailable_until=None)
    assert pool.availability_reopen(today=date(2026, 3, 2)) == 1
    assert ReviewerProfile.objects.get(user=back).available
    assert not ReviewerProfile.objects.get(user=away).available


# ---- the pool list ------------------------------------------------------------------------


def test_pool_lists_reviewers_with_their_current_assignments(client, officer):
    call = make_call()
    lead, partner = make_user(institution="复旦大学"), make_user(institution="浙江大学")
    first = eligible(make_proposal(call, lead, partners=[partner], submit=True))
    second = eligible(
        make_proposal(
            call,
            make_user(institution="南京大学"),
            partners=[make_user(institution="安徽大学")],
            submit=True,
        )
    )
    busy = make_reviewer(institution="北京大学", name="忙碌", disciplines=["F0601"])
    make_assignment(first, busy)
    declined = make_assignment(second, busy, accept=False)
    declined.status = AssignmentStatus.DECLINED
    declined.save()
    client.force_login(officer)
    page = client.get("/office/reviewers/").context["page"]
    (row,) = list(page)
    assert (row.name, row.current_assignments, row.institution.province.code) == (
        "忙碌",
        1,
        "110000",
    )


@pytest.mark.parametrize(
    ("search", "found"),
    [("张", ["张三"]), ("清华", ["李四"]), ("f06", ["张三", "李四"]), ("F0601", ["李四"])],
)
def test_pool_search_by_name_institution_or_code(client, officer, search, found):
    make_reviewer(name="张三", institution="武汉大学", disciplines=["F06"])
    make_reviewer(name="李四", institution="清华大学", disciplines=["F0601"])
    make_reviewer(name="王五", institution="山东大学", disciplines=["E01"])
    client.force_login(officer)
    page = client.get("/office/reviewers/", {"q": search}).context["page"]
    assert [reviewer.name for reviewer in page] == found


def test_pool_is_paginated_by_50(client, officer):
    for number in range(51):
        make_reviewer(name=f"专家{number:02d}")
    client.force_login(officer)
    first = client.get("/office/reviewers/").context["page"]
    assert (len(first.object_list), first.paginator.num_pages) == (50, 2)
    assert len(client.get("/office/reviewers/?page=2").context["page"].object_list) == 1


@pytest.mark.parametrize("n_reviewers", [1, 20])
def test_pool_list_query_count_is_constant(client, officer, django_assert_num_queries, n_reviewers):
    for _ in range(n_reviewers):
        make_reviewer(institution="北京大学", disciplines=["F06", "E01"])
    pool.expert_invitation_send(actor=officer, email="x@example.org", name="X")
    client.force_login(officer)
    # session, the user with its roles; count, page, disciplines; the invitation form's
    # institutions, the recent invitations (the session's row is read, not rewritten:
    # portal/sessions.py)
    with django_assert_num_queries(7):
        response = client.get("/office/reviewers/")
    assert len(response.context["page"].object_list) == n_reviewers


# ---- potential conflicts ------------------------------------------------------------------


@pytest.fixture
def history(reference):
    """The reviewer (Zhejiang University) and a Fudan PI were partners in a proposal of an
    earlier call; the Fudan PI now leads a proposal in a new call with a Nanjing partner."""
    pi = make_user(institution="复旦大学", name="复旦PI")
    reviewer = make_reviewer(institution="浙江大学")
    earlier = make_proposal(make_call(), pi, partners=[reviewer], submit=True)
    call = make_call()
    current = make_proposal(call, pi, partners=[make_user(institution="南京大学")], submit=True)
    return pi, reviewer, earlier, current


def test_shared_proposal_in_another_call_is_a_potential_conflict(history):
    _, reviewer, earlier, current = history
    found = pool.potential_conflicts([(current, reviewer)])
    assert found == {
        (current.pk, reviewer.pk): [
            f"Shared proposal {earlier.reference}: the reviewer and 复旦PI were in its consortium"
        ]
    }


def test_a_shared_draft_is_not_reported(reference):
    pi = make_user(institution="复旦大学")
    reviewer = make_reviewer(institution="浙江大学")
    make_proposal(make_call(), pi, partners=[reviewer])  # never submitted
    current = make_proposal(make_call(), pi, submit=False)
    assert pool.potential_conflicts([(current.pk, reviewer.pk)]) == {(current.pk, reviewer.pk): []}


def test_a_proposal_of_the_same_call_is_left_to_the_hard_rules(reference):
    pi = make_user(institution="复旦大学")
    reviewer = make_reviewer(institution="浙江大学")
    call = make_call(max_led_per_pi=2, max_participations_per_pi=3)
    make_proposal(call, pi, partners=[reviewer], submit=True)
    current = make_proposal(call, pi, partners=[make_user(institution="南京大学")], submit=True)
    assert pool.potential_conflicts([(current, reviewer)])[(current.pk, reviewer.pk)] == []


def test_same_city_as_the_lead_institution_is_a_potential_conflict(history):
    _, _, _, current = history
    tongji = make_reviewer(institution="同济大学")  # Shanghai, like Fudan
    nanjing = make_reviewer(institution="东南大学")  # the partner's city only
    found = pool.potential_conflicts([(current, tongji), (current, nanjing)])
    assert found[(current.pk, tongji.pk)] == [
        "Same city, Shanghai: the reviewer works at Tongji University, "
        "the lead institution is Fudan University"
    ]
    assert found[(current.pk, nanjing.pk)] == []


def test_potential_conflicts_take_three_queries_whatever_the_pairs(
    history, django_assert_num_queries
):
    pi, reviewer, earlier, current = history
    others = [make_reviewer(institution=place) for place in ("同济大学", "北京大学", "四川大学")]
    pairs = [(current.pk, r.pk) for r in [reviewer, *others]] + [(earlier.pk, reviewer.pk)]
    with django_assert_num_queries(3):
        found = pool.potential_conflicts(pairs[:1])
    with django_assert_num_queries(3):
        found = pool.potential_conflicts(pairs)
    assert len(found) == 5 and found[(current.pk, others[0].pk)]
    assert pool.potential_conflicts([]) == {}
