from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "gridbee.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self):
        # Registers the engine's own effects (the operators told of a crowd check).
        from . import crowd  # noqa: F401
