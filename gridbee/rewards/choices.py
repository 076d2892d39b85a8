from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    """Why points moved. Earning kinds count against the daily cap; the others do not."""

    FIRST_REPORT = "first_report", _("First report verified")  # 首报核实
    REPORT = "report", _("Report verified")  # 非首报核实
    CHECK_IN = "check_in", _("Daily check-in")  # 每日打卡
    ACTIVITY = "activity", _("Activity check-in")  # 活动签到
    ALERT = "alert", _("Alert answered")  # 预警响应
    REDEMPTION = "redemption", _("Redeemed in the shop")  # 积分兑换
    REFUND = "refund", _("Order cancelled, points returned")
    ADJUSTMENT = "adjustment", _("Correction")  # 更正


EARNING_KINDS = frozenset(
    {
        EntryKind.FIRST_REPORT,
        EntryKind.REPORT,
        EntryKind.CHECK_IN,
        EntryKind.ACTIVITY,
        EntryKind.ALERT,
    }
)


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Waiting for pickup")  # 待领取
    HANDED_OVER = "handed_over", _("Handed over")  # 已领取
    CANCELLED = "cancelled", _("Cancelled")  # 已取消


class ItemKind(models.TextChoices):
    GOODS = "goods", _("Goods")  # 实物
    SERVICE = "service", _("Service")  # 服务 (体检, 理发…)


class CashRewardStatus(models.TextChoices):
    """奖补: proposed at verification, decided by the county reviewer, then paid."""

    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    PAID = "paid", _("Paid")


class CashFor(models.TextChoices):
    """Which verified reports a county's cash grades (奖补) are for. 惠水's rule: ordinary
    reports and later reports of an emergency earn points; the first report of a verified
    emergency is what the cash grades reward."""

    FIRST_EMERGENCY = "first_emergency", _("First reports of emergencies")  # 应急治理首报
    ANY_VERIFIED = "any_verified", _("Any verified report")


class HoldReason(models.TextChoices):
    """Why an unpaid cash reward cannot be paid now (it stays off the payout list)."""

    PARTNER_SUSPENDED = "partner_suspended", _("Held: the partner is suspended.")
    PARTNER_REVOKED = "partner_revoked", _("Held: the partner's enrolment is revoked.")
    CASE_REOPENED = "case_reopened", _("Held: the case is open again; it waits for verification.")
