from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "Public read model"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import receivers  # Publication post_save → read model

        post_migrate.connect(
            receivers.fill_after_migrate, sender=self, dispatch_uid="public-fill-after-migrate"
        )
