from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Grants")

    def ready(self):
        # The call's state machine is a lower part than the funding that decides a call.
        from grants.calls import call_workflow
        from grants.funding import outcomes

        call_workflow.register_call_action("decide", outcomes.call_decide)
