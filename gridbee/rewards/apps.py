from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "gridbee.rewards"
    label = "rewards"
    verbose_name = _("Points and rewards")

    def ready(self):
        from . import receivers  # noqa: F401 - registers what follows the closed loop's steps
