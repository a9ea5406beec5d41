from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from casetracker.cache import content_committed
        from public.warm import schedule

        content_committed.connect(schedule, dispatch_uid="public-cache-warm")

        from .staleness import connect_signals

        connect_signals()
        from . import review

        review.connect()
