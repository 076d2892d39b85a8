from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gridbee.claims"
    verbose_name = "Claims and mediation"

    def ready(self):
        from . import kinds, receivers  # noqa: F401  (registers the kinds and their effects)
