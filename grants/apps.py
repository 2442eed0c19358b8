from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Grants")

    def ready(self):
        # Reviews builds exports in the background but may not import the office's lists,
        # which sit above it: the office registers its proposal list here.
        from grants.office.proposal_queries import export_proposals_csv
        from reviews.exports import register_list_export
        from reviews.models import ExportJob

        register_list_export(ExportJob.Kind.PROPOSALS_CSV, export_proposals_csv)
