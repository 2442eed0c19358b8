from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Grants")

    def ready(self):
        # Reviews builds exports in the background but may not import the office's lists,
        # which sit above it: the office registers its proposal list here.
        from grants.office.proposal_queries import proposal_table
        from reviews.exports import register_list_export
        from reviews.models import ExportJob

        register_list_export(ExportJob.Kind.PROPOSALS_CSV, proposal_table)

        # The call's state machine is a lower part than the funding that decides a call.
        from grants.calls import call_workflow
        from grants.funding import outcomes

        call_workflow.register_call_action("decide", outcomes.call_decide)

        # Funding decides a call; the funded projects, a part above it, open then.
        from grants.projects import project_workflow

        outcomes.register_decided_hook(project_workflow.projects_open)

        # The overlap check runs in the background through reviews' job machinery.
        from grants.overlaps import checks, tasks
        from reviews import jobs

        jobs.register_task(checks.OVERLAP_CHECK, tasks.overlap_check)

        # The draft's budget asks about shared instruments; the catalogue sits above proposals.
        from grants.overlaps.instrument_hint import likely_match
        from grants.proposals.instrument_hooks import register_instrument_matcher

        register_instrument_matcher(likely_match)
