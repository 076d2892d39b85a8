from django.db import models
from django.utils.translation import gettext_lazy as _


class CategoryGroup(models.TextChoices):
    """The two halves of the digital urban management classification (数字化城市管理)."""

    EVENT = "event", _("Event")  # 事件
    COMPONENT = "component", _("Component")  # 部件


class ReportSource(models.TextChoices):
    APP = "app", _("Partner app")
    OPEN311 = "open311", _("Open311 client")
