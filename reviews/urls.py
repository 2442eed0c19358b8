from django.urls import path

from reviews import (
    calibration_views,
    export_views,
    office_views,
    panel_views,
    pool_views,
    publication_views,
    views,
)

urlpatterns = [
    path("reviews/", views.reviewer_home, name="reviewer_home"),
    path("reviews/<int:pk>/", views.invitation, name="review_invitation"),
    path("reviews/<int:pk>/accept/", views.accept, name="review_accept"),
    path("reviews/<int:pk>/decline/", views.decline, name="review_decline"),
    path("reviews/<int:pk>/conflict/", views.declare_conflict, name="review_conflict"),
    path("reviews/<int:pk>/review/", views.review_form, name="review_form"),
    path("reviews/<int:pk>/pdf/", views.review_pdf, name="review_pdf"),
    path("reviews/<int:pk>/narrative/", views.review_narrative, name="review_narrative"),
    path(
        "office/calls/<slug:code>/assignment/", office_views.assignment_page, name="assignment_page"
    ),
    path(
        "office/calls/<slug:code>/assignment/run/",
        office_views.assignment_run,
        name="assignment_run",
    ),
    path(
        "office/calls/<slug:code>/assignment/<int:run_pk>/progress/",
        office_views.assignment_progress,
        name="assignment_progress",
    ),
    path(
        "office/calls/<slug:code>/assignment/<int:run_pk>/adjust/",
        office_views.assignment_adjust,
        name="assignment_adjust",
    ),
    path(
        "office/calls/<slug:code>/assignment/<int:run_pk>/publish/",
        office_views.assignment_publish,
        name="assignment_publish",
    ),
    path(
        "office/calls/<slug:code>/assignment/add/",
        office_views.assignment_add,
        name="assignment_add",
    ),
    path(
        "office/assignments/<int:pk>/reopen/",
        office_views.assignment_reopen,
        name="assignment_reopen",
    ),
    path("office/calls/<slug:code>/panels/", panel_views.panel_list, name="panel_list"),
    path("panels/<int:pk>/", panel_views.panel_page, name="panel_page"),
    path(
        "panels/<int:pk>/entries/<int:entry_pk>/consensus/",
        panel_views.panel_consensus,
        name="panel_consensus",
    ),
    path("panels/<int:pk>/lock/", panel_views.panel_lock, name="panel_lock"),
    path(
        "office/calls/<slug:code>/ranking/",
        calibration_views.ranking_page,
        name="calibrated_ranking",
    ),
    path(
        "office/calls/<slug:code>/ranking/fit/",
        calibration_views.ranking_fit_start,
        name="ranking_fit_start",
    ),
    path(
        "office/calls/<slug:code>/ranking/<int:fit_pk>/progress/",
        calibration_views.ranking_fit_progress,
        name="ranking_fit_progress",
    ),
    path("office/reviewers/", pool_views.reviewer_pool, name="reviewer_pool"),
    path("office/reviewers/invite/", pool_views.expert_invite, name="expert_invite"),
    path(
        "office/reviewers/invitations/<int:pk>/revoke/",
        pool_views.expert_invitation_revoke,
        name="expert_invitation_revoke",
    ),
    path("office/reviewers/import/", pool_views.reviewer_import, name="reviewer_import"),
    path(
        "experts/invitations/<str:token>/",
        pool_views.expert_invitation,
        name="expert_invitation",
    ),
    path("reviews/settings/", pool_views.reviewer_settings, name="reviewer_settings"),
    path(
        "office/reviewers/publications/import/",
        publication_views.publications_import,
        name="publications_import",
    ),
    path("reviews/publications/", publication_views.my_publications, name="my_publications"),
    path(
        "reviews/publications/<int:pk>/delete/",
        publication_views.my_publication_delete,
        name="my_publication_delete",
    ),
    path("exports/", export_views.export_list, name="export_list"),
    path("exports/<int:pk>/download/", export_views.export_download, name="export_download"),
    path("exports/<int:pk>/retry/", export_views.export_retry, name="export_retry"),
    path("panels/<int:pk>/book/", export_views.panel_book_request, name="panel_book_request"),
    path(
        "office/calls/<slug:code>/proposals/export/background/",
        export_views.proposals_export_request,
        name="proposals_export_request",
    ),
]
