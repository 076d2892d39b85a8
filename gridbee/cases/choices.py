from django.db import models
from django.utils.translation import gettext_lazy as _


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")  # 应急治理
    ORDINARY = "ordinary", _("Ordinary")  # 普通治理


class CaseStatus(models.TextChoices):
    """The closed loop (闭环). The transitions between them belong to the workflow."""

    REPORTED = "reported", _("Reported")  # 已上报
    ACCEPTED = "accepted", _("Accepted")  # 立案
    REJECTED = "rejected", _("Not accepted")  # 不予立案
    DISPATCHED = "dispatched", _("Dispatched")  # 派遣
    SIGNED = "signed", _("Signed for")  # 签收
    HANDLED = "handled", _("Handled")  # 处置完毕
    ON_HOLD = "on_hold", _("On hold")  # 缓办
    CLOSED = "closed", _("Closed")  # 结案
    MERGED = "merged", _("Merged into another case")


OPEN_STATUSES = (
    CaseStatus.REPORTED,
    CaseStatus.ACCEPTED,
    CaseStatus.DISPATCHED,
    CaseStatus.SIGNED,
    CaseStatus.HANDLED,
    CaseStatus.ON_HOLD,
)


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("Opened by a report")
    JOINED = "joined", _("Another report joined")
    MARKED_EMERGENCY = "marked_emergency", _("Marked as an emergency")
    MERGED = "merged", _("Merged")
    SPLIT = "split", _("Split")
