from django.urls import path

from grants.accounts import views as accounts
from grants.calls import office_views as office_calls
from grants.calls import views as calls
from grants.funding import views as funding
from grants.office import views as office
from grants.overlaps import records_views
from grants.projects import views as projects
from grants.proposals.views import budgets, consortium, drafts, proposals
from grants.site import audit_views as audit
from grants.site import views as site
from reviews import criteria_views

urlpatterns = [
    path("", site.home, name="home"),
    path("dashboard/", site.dashboard, name="dashboard"),
    path("profile/", accounts.profile, name="profile"),
    path("language/", accounts.switch_language, name="switch_language"),
    path("institutions/request/", consortium.institution_request, name="institution_request"),
    path("calls/", calls.call_list, name="call_list"),
    path("calls/<slug:code>/", calls.call_detail, name="call_detail"),
    path("calls/<slug:code>/apply/", drafts.proposal_start, name="proposal_start"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", proposals.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/submit/", proposals.proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/withdraw/", proposals.proposal_withdraw, name="proposal_withdraw"),
    path("proposals/<int:pk>/discard/", drafts.proposal_discard, name="proposal_discard"),
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
    path("office/audit/", audit.audit_log, name="office_audit"),
    path("office/audit/csv/", audit.audit_csv, name="office_audit_csv"),
    path("office/calls/", office_calls.call_list, name="office_call_list"),
    path("office/calls/new/", office_calls.call_create, name="office_call_create"),
    path("office/calls/<slug:code>/", office_calls.call_detail, name="office_call"),
    path("office/calls/<slug:code>/edit/", office_calls.call_edit, name="office_call_edit"),
    path(
        "office/calls/<slug:code>/state/",
        office_calls.call_transition,
        name="office_call_transition",
    ),
    path("office/calls/<slug:code>/proposals/", office.proposal_list, name="office_proposals"),
    path(
        "office/calls/<slug:code>/proposals/export/",
        office.proposal_export,
        name="office_proposals_export",
    ),
    path("office/proposals/<int:pk>/", office.proposal_detail, name="office_proposal"),
    path("office/proposals/<int:pk>/screen/", office.proposal_screen, name="office_screen"),
    path("office/proposals/<int:pk>/return/", office.proposal_return, name="office_return"),
    path("office/calls/<slug:code>/funding/", funding.funding_page, name="funding_page"),
    path("office/calls/<slug:code>/funding/commit/", funding.funding_commit, name="funding_commit"),
    path(
        "office/calls/<slug:code>/funding/confirm/", funding.funding_confirm, name="funding_confirm"
    ),
    path("office/calls/<slug:code>/payments/", funding.payments_record, name="payments_record"),
    path("projects/", projects.project_list, name="project_list"),
    path("projects/<int:pk>/", projects.project_detail, name="project_detail"),
    path("ledger/", funding.ledger_page, name="ledger"),
    path("ledger/ledger.csv", funding.ledger_csv, name="ledger_csv"),
    path("ledger/ledger.pdf", funding.ledger_pdf, name="ledger_pdf"),
    path("proposals/<int:pk>/letter/", funding.decision_letter, name="decision_letter"),
    path("proposals/<int:pk>/evaluation/", funding.evaluation_summary, name="evaluation_summary"),
    path(
        "office/calls/<slug:code>/criteria/",
        criteria_views.call_criteria,
        name="office_call_criteria",
    ),
    # overlaps: records
    path("office/external-records/", records_views.external_records, name="external_records"),
    path(
        "office/external-records/import/",
        records_views.external_records_import,
        name="external_records_import",
    ),
    path("office/instruments/", records_views.shared_instruments, name="shared_instruments"),
    path(
        "office/instruments/import/",
        records_views.shared_instruments_import,
        name="shared_instruments_import",
    ),
]
