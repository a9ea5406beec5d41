from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "casetracker.security"
    label = "casetracker_security"
    verbose_name = "casetracker security"

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers receivers and checks)
