"""The demo's screening against repeated investment: other funders' records and the shared
instrument catalogue imported from the sample files in fixtures/, and the open call checked, so
the overlap page shows the overlaps planted in the demo's texts (grants.site.demo.abstracts) and
in the sample records."""

from pathlib import Path

from django.conf import settings

from grants.models import ExternalRecord, OverlapRun
from grants.overlaps import checks
from grants.overlaps.records_import import import_check, import_save
from grants.site.demo.common import officer

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SAMPLES = (
    ("records", "external_records_sample.csv"),
    ("instruments", "shared_instruments_sample.csv"),
)


def seed_overlaps(call):
    """Import the sample files (once) and check ``call``."""
    if ExternalRecord.objects.exists():
        return
    office = officer()
    for kind, name in SAMPLES:
        checked = import_check(kind, (FIXTURES / name).read_bytes(), scope=None, max_bytes=None)
        if not checked.ok:
            raise ValueError(f"{name}: {checked.problems[0].message}")
        import_save(kind, checked, actor=office)
    # As the office's button would, but at once: the page shows this run as the latest check.
    checks.run_overlap_check(OverlapRun.objects.create(call=call, started_by=office))
