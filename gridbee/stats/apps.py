from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "gridbee.stats"
    label = "stats"
    verbose_name = _("Dashboards")

    def ready(self):
        from . import receivers  # noqa: F401 - keeps the figures of a case current after its steps
