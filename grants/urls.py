from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from grants.accounts import views as accounts
from grants.api import token_views as api_tokens
from grants.api import views as api
from grants.api import write_views as api_writes
from grants.calls import office_views as office_calls
from grants.calls import views as calls
from grants.funding import draw_views
from grants.funding import views as funding
from grants.office import views as office
from grants.opendata import views as opendata
from grants.overlaps import records_views
from grants.overlaps import views as overlaps
from grants.projects import change_views as project_changes
from grants.projects import early_end_views as project_end
from grants.projects import payment_views as project_payments
from grants.projects import refund_views as project_refunds
from grants.projects import report_views as project_reports
from grants.projects import task_book_views as task_book
from grants.projects import views as projects
from grants.proposals.views import budgets, consortium, drafts, proposals
from grants.site import audit_views as audit
from grants.site import views as site
from reviews import criteria_views

# The JSON API (docs/api.md): /api/v1/<resource>/ and /api/v1/<resource>/<id>/.
api_router = SimpleRouter()
api_router.register("calls", api.CallViewSet, basename="api_calls")
api_router.register("proposals", api.ProposalViewSet, basename="api_proposals")
api_router.register("decisions", api.DecisionViewSet, basename="api_decisions")
api_router.register("payments", api.PaymentViewSet, basename="api_payments")
api_router.register("projects", api.ProjectViewSet, basename="api_projects")
api_router.register("reports", api.ReportViewSet, basename="api_reports")
api_router.register("external-records", api.ExternalRecordViewSet, basename="api_records")

api_v1 = [
    path("calls/<slug:code>/ledger/", api.call_ledger, name="api_call_ledger"),
    path("calls/<slug:code>/confirmation/", api_writes.call_confirm, name="api_call_confirm"),
    path(
        "payments/<int:pk>/disbursements/",
        api_writes.payment_disburse,
        name="api_payment_disburse",
    ),
    path(
        "external-records/import/",
        api_writes.external_records_import,
        name="api_records_import",
    ),
    *api_router.urls,
    re_path(r"^(?P<rest>[\s\S]*)\Z", api.not_found, name="api_not_found"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("profile/api-tokens/", api_tokens.token_list, name="api_tokens"),
    path("profile/api-tokens/<int:pk>/revoke/", api_tokens.token_revoke, name="api_token_revoke"),
    path("", site.home, name="home"),
    path("dashboard/", site.dashboard, name="dashboard"),
    path("profile/", accounts.profile, name="profile"),
    path("language/", accounts.switch_language, name="switch_language"),
    path("institutions/request/", consortium.institution_request, name="institution_request"),
    path("calls/", calls.call_list, name="call_list"),
    path("calls/<slug:code>/", calls.call_detail, name="call_detail"),
    path("open-data/", opendata.open_data, name="open_data"),
    path("open-data/projects.json", opendata.open_data_json, name="open_data_json"),
    path("open-data/projects.csv", opendata.open_data_csv, name="open_data_csv"),
    path("open-data/projects.xlsx", opendata.open_data_xlsx, name="open_data_xlsx"),
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
    path("office/audit/xlsx/", audit.audit_xlsx, name="office_audit_xlsx"),
    path("office/calls/", office_calls.call_list, name="office_call_list"),
    path("office/calls/new/", office_calls.call_create, name="office_call_create"),
    path("office/calls/<slug:code>/", office_calls.call_detail, name="office_call"),
    path("office/calls/<slug:code>/edit/", office_calls.call_edit, name="office_call_edit"),
    path(
        "office/calls/<slug:code>/open-data/",
        office_calls.call_open_data,
        name="office_call_open_data",
    ),
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
    path(
        "office/calls/<slug:code>/proposals/export/xlsx/",
        office.proposal_export_xlsx,
        name="office_proposals_export_xlsx",
    ),
    path("office/proposals/<int:pk>/", office.proposal_detail, name="office_proposal"),
    path("office/proposals/<int:pk>/screen/", office.proposal_screen, name="office_screen"),
    path("office/proposals/<int:pk>/return/", office.proposal_return, name="office_return"),
    path("office/calls/<slug:code>/funding/", funding.funding_page, name="funding_page"),
    path("office/calls/<slug:code>/funding/commit/", funding.funding_commit, name="funding_commit"),
    path("office/calls/<slug:code>/funding/draw/", draw_views.funding_draw, name="funding_draw"),
    path(
        "office/calls/<slug:code>/funding/draw/seed/",
        draw_views.funding_draw_seed,
        name="funding_draw_seed",
    ),
    path(
        "office/calls/<slug:code>/funding/draw/witness/",
        draw_views.funding_draw_witness,
        name="funding_draw_witness",
    ),
    path(
        "office/calls/<slug:code>/funding/draw/run/",
        draw_views.funding_draw_run,
        name="funding_draw_run",
    ),
    path(
        "office/calls/<slug:code>/funding/draw/annul/",
        draw_views.funding_draw_annul,
        name="funding_draw_annul",
    ),
    path(
        "office/calls/<slug:code>/funding/confirm/", funding.funding_confirm, name="funding_confirm"
    ),
    path(
        "office/calls/<slug:code>/payments/", project_payments.year_payments, name="payments_record"
    ),
    path("projects/", projects.project_list, name="project_list"),
    path("projects/<int:pk>/", projects.project_detail, name="project_detail"),
    path("projects/<int:pk>/milestones/", task_book.project_milestones, name="project_milestones"),
    path("projects/<int:pk>/milestones/add/", task_book.milestone_add, name="milestone_add"),
    path(
        "projects/<int:pk>/milestones/<int:milestone_pk>/",
        task_book.milestone_edit,
        name="milestone_edit",
    ),
    path(
        "projects/<int:pk>/milestones/<int:milestone_pk>/delete/",
        task_book.milestone_delete,
        name="milestone_delete",
    ),
    path("projects/<int:pk>/task-book/", task_book.task_book_page, name="task_book"),
    path("projects/<int:pk>/task-book/issue/", task_book.task_book_issue, name="task_book_issue"),
    path("projects/<int:pk>/task-book/sign/", task_book.task_book_sign, name="task_book_sign"),
    path("projects/<int:pk>/task-book.pdf", task_book.task_book_download, name="task_book_pdf"),
    path("projects/<int:pk>/changes/", project_changes.change_list, name="change_list"),
    path(
        "projects/<int:pk>/changes/new/<slug:kind>/",
        project_changes.change_new,
        name="change_new",
    ),
    path(
        "projects/<int:pk>/changes/<int:change_pk>/",
        project_changes.change_detail,
        name="change_detail",
    ),
    path(
        "projects/<int:pk>/changes/<int:change_pk>/decide/",
        project_changes.change_decide,
        name="change_decide",
    ),
    path(
        "projects/<int:pk>/changes/<int:change_pk>/consent/",
        project_changes.change_consent,
        name="change_consent",
    ),
    path(
        "projects/<int:pk>/changes/<int:change_pk>/withdraw/",
        project_changes.change_withdraw,
        name="change_withdraw",
    ),
    path("projects/<int:pk>/suspend/", project_end.project_suspend, name="project_suspend"),
    path("projects/<int:pk>/resume/", project_end.project_resume, name="project_resume"),
    path("projects/<int:pk>/terminate/", project_end.project_terminate, name="project_terminate"),
    path(
        "projects/<int:pk>/refunds/<int:refund_pk>/",
        project_refunds.refund_receive,
        name="refund_receive",
    ),
    path("projects/reports/", project_reports.report_list, name="report_list"),
    path("projects/reports/<int:pk>/", project_reports.report_detail, name="report_detail"),
    path("projects/reports/<int:pk>/decide/", project_reports.report_decide, name="report_decide"),
    path(
        "projects/reports/<int:pk>/experts/",
        project_reports.report_expert_assign,
        name="report_expert_assign",
    ),
    path(
        "projects/reports/<int:pk>/expert-review/",
        project_reports.report_expert_review,
        name="report_expert_review",
    ),
    path(
        "projects/reports/<int:pk>/attachment/",
        project_reports.report_attachment,
        name="report_attachment",
    ),
    path(
        "projects/<int:pk>/certificate/",
        project_reports.acceptance_certificate,
        name="acceptance_certificate",
    ),
    path("projects/<int:pk>/payments/", project_payments.project_payments, name="project_payments"),
    path(
        "projects/<int:pk>/payments/<int:instalment>/",
        project_payments.instalment_pay,
        name="instalment_pay",
    ),
    path("ledger/", funding.ledger_page, name="ledger"),
    path("ledger/ledger.csv", funding.ledger_csv, name="ledger_csv"),
    path("ledger/ledger.xlsx", funding.ledger_xlsx, name="ledger_xlsx"),
    path("ledger/ledger.pdf", funding.ledger_pdf, name="ledger_pdf"),
    path("proposals/<int:pk>/letter/", funding.decision_letter, name="decision_letter"),
    path("proposals/<int:pk>/evaluation/", funding.evaluation_summary, name="evaluation_summary"),
    path(
        "office/calls/<slug:code>/criteria/",
        criteria_views.call_criteria,
        name="office_call_criteria",
    ),
    # overlaps: screening
    path("office/calls/<slug:code>/overlaps/", overlaps.overlap_list, name="overlap_list"),
    path("office/calls/<slug:code>/overlaps/run/", overlaps.overlap_run, name="overlap_run"),
    path(
        "office/calls/<slug:code>/overlaps/runs/<int:run_pk>/",
        overlaps.overlap_progress,
        name="overlap_progress",
    ),
    path("office/calls/<slug:code>/overlaps/<int:pk>/", overlaps.overlap_flag, name="overlap_flag"),
    path(
        "office/calls/<slug:code>/overlaps/<int:pk>/screen/",
        overlaps.overlap_resolve,
        name="overlap_resolve",
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
