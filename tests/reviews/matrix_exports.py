"""The permission matrix's scenario for background exports (rows in matrix_reviews.py)."""

from datetime import timedelta

from django.utils import timezone

from reviews.models import ExportJob


def extend_scenario(users, values):
    """The fund officer's panel book of the scenario's panel, built eight days ago and expired
    since: its owner is sent back to the list, everyone else is told it does not exist. (A
    fresh file's download is tested in tests/reviews/test_export_views.py, where the media
    folder is a temporary one.)"""
    job = ExportJob.objects.create(
        requested_by=users["fund_officer"],
        kind=ExportJob.Kind.PANEL_BOOK,
        params={"panel": values["panel"], "name": "F"},
        language="en",
        status=ExportJob.Status.EXPIRED,
        finished_at=timezone.now() - timedelta(days=8),
    )
    values["export_job"] = job.pk
