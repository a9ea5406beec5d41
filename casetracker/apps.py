from django.apps import AppConfig


class CasetrackerConfig(AppConfig):
    name = "casetracker"
    verbose_name = "casetracker"

    def ready(self):
        from .cache import connect_signals

        connect_signals()
