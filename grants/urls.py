from django.urls import path

from .views import accounts, budgets, calls, consortium, proposals

urlpatterns = [
    path("", accounts.home, name="home"),
    path("dashboard/", accounts.dashboard, name="dashboard"),
    path("profile/", accounts.profile, name="profile"),
    path("institutions/request/", consortium.institution_request, name="institution_request"),
    path("calls/", calls.call_list, name="call_list"),
    path("calls/<slug:code>/", calls.call_detail, name="call_detail"),
    path("calls/<slug:code>/apply/", calls.proposal_start, name="proposal_start"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", proposals.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/submit/", proposals.proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/withdraw/", proposals.proposal_withdraw, name="proposal_withdraw"),
    path("proposals/<int:pk>/pdf/", proposals.proposal_pdf, name="proposal_pdf"),
    path("proposals/<int:pk>/narrative/", proposals.narrative_download, name="narrative_download"),
    path("proposals/<int:pk>/consortium/", consortium.consortium, name="consortium"),
    path("proposals/<int:pk>/consortium/add/", consortium.member_add, name="member_add"),
    path(
        "proposals/<int:pk>/consortium/<int:member_pk>/invite/",
        consortium.member_invite,
        name="member_invite",
    ),
    path(
        "proposals/<int:pk>/consortium/<int:member_pk>/revoke/",
        consortium.member_revoke,
        name="member_revoke",
    ),
    path("proposals/<int:pk>/budget/", budgets.budget_page, name="budget"),
    path("proposals/<int:pk>/budget/<int:member_pk>/", budgets.budget_member, name="budget_member"),
    path(
        "proposals/<int:pk>/budget/<int:member_pk>/preview/",
        budgets.budget_preview,
        name="budget_preview",
    ),
    path("invitations/<str:token>/", consortium.invitation, name="invitation"),
]
