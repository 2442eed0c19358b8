"""The overlap check, run outside the request (registered with reviews.jobs in grants/apps.py)."""

from django_tasks import task

from grants.models import OverlapRun
from grants.overlaps.checks import run_overlap_check


@task()
def overlap_check(run_id):
    run_overlap_check(OverlapRun.objects.select_related("call").get(pk=run_id))
