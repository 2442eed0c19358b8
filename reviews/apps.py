from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        # The tasks import the models, so they can be loaded only once the app registry is.
        from reviews import jobs, tasks

        jobs.register_task(jobs.SOLVE_ASSIGNMENT, tasks.solve_assignment)
        jobs.register_task(jobs.BUILD_EXPORT, tasks.build_export)
        jobs.register_task(jobs.FIT_RANKING, tasks.fit_ranking)
