from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    MISSING_CHILD = "missing_child", _("Missing child")
    MISSING_ELDER = "missing_elder", _("Missing elderly person")
    OTHER = "other", _("Other urgent search")


class AlertStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    FOUND = "found", _("Found")
    CANCELLED = "cancelled", _("Cancelled")
    FALSE_ALARM = "false_alarm", _("False alarm")
    EXPIRED = "expired", _("Expired")


# How an operator may close an alert (EXPIRED is the clock's, never chosen).
CLOSING = (AlertStatus.FOUND, AlertStatus.CANCELLED, AlertStatus.FALSE_ALARM)


class CapType(models.TextChoices):
    """CAP 1.2 msgType of each message an alert sends."""

    ALERT = "Alert"
    UPDATE = "Update"
    CANCEL = "Cancel"


class PositionSource(models.TextChoices):
    REPORT = "report", _("Report")
    SIGHTING = "sighting", _("Sighting")
    APP = "app", _("App (with consent)")


class ReceiptKind(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    SEEN = "seen", _("Seen")
