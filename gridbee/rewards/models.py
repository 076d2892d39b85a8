"""Points and rewards (积分与奖补). Points live in an append-only ledger; a partner's account
holds the balance only as a cache updated in the same transaction as each entry, and serves as
the row every change of that partner's points locks."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import CashFor, CashRewardStatus, EntryKind, ItemKind, OrderStatus


class EarningRules(models.Model):
    """积分规则: what a county pays for what, its caps and its redemption windows."""

    county = models.OneToOneField(
        "geo.Region", on_delete=models.CASCADE, related_name="earning_rules"
    )
    first_report_points = models.PositiveIntegerField(_("first report verified"), default=10)
    report_points = models.PositiveIntegerField(_("later report verified"), default=3)
    check_in_points = models.PositiveIntegerField(_("daily check-in"), default=1)
    activity_points = models.PositiveIntegerField(_("activity check-in"), default=5)
    alert_points = models.PositiveIntegerField(_("alert answered"), default=5)
    daily_cap = models.PositiveIntegerField(_("points earned per day at most"), default=50)
    # 奖补 grades in fen (分): 惠水 pays 50/100/150/200 yuan.
    grade1_fen = models.PositiveIntegerField(_("grade 1 (fen)"), default=5000)
    grade2_fen = models.PositiveIntegerField(_("grade 2 (fen)"), default=10000)
    grade3_fen = models.PositiveIntegerField(_("grade 3 (fen)"), default=15000)
    grade4_fen = models.PositiveIntegerField(_("grade 4 (fen)"), default=20000)
    cash_for = models.CharField(
        _("cash rewards are for"),
        max_length=20,
        choices=CashFor.choices,
        default=CashFor.FIRST_EMERGENCY,
    )
    # 一季度一兑换: the shop opens the last N days of each quarter.
    redemption_days = models.PositiveSmallIntegerField(
        _("redemption days at the end of each quarter"), default=10
    )
    redemption_always_open = models.BooleanField(_("shop open all year"), default=False)
    false_report_limit = models.PositiveSmallIntegerField(
        _("false reports in 90 days before a suspension is proposed"), default=3
    )
    # 双人复核: the money leaves only when two people agreed on it.
    separate_cash_approval_and_payment = models.BooleanField(
        _("the approver of a cash reward may not mark it paid"),
        default=True,
        help_text=_("On: another person with the right to pay marks it paid."),
    )

    class Meta:
        verbose_name = _("earning rules")
        verbose_name_plural = _("earning rules")

    def __str__(self) -> str:
        return str(self.county)


class PointsAccount(models.Model):
    """积分卡: one per partner. `balance` caches the sum of the partner's entries."""

    partner = models.OneToOneField(
        "people.Partner", on_delete=models.PROTECT, primary_key=True, related_name="points"
    )
    county = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    balance = models.IntegerField(default=0)
    entry_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("points account")
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="points_balance_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.balance}"


class PointsEntry(models.Model):
    """积分流水: one line of the ledger. Never edited nor deleted; corrections are new lines.
    `key` makes every award idempotent: the same cause can add one line only."""

    # No index of its own: points_partner_day leads with the partner. A second one made
    # PostgreSQL read all of a busy partner's entries for a month's statement.
    partner = models.ForeignKey(
        "people.Partner", on_delete=models.PROTECT, related_name="points_entries", db_index=False
    )
    county = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    amount = models.IntegerField(_("points"))
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    key = models.CharField(max_length=120, unique=True)
    balance_after = models.IntegerField(_("balance after"))
    day = models.DateField(_("day"))  # local date, for daily caps and statements
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report = models.ForeignKey(
        "cases.Report", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order = models.ForeignKey(
        "rewards.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-id"]
        indexes = [
            # Covers a partner's day caps, history, month sums and the opening balance of a
            # statement (the last entry before the month) without touching the table.
            models.Index(
                fields=["partner", "day", "id", "kind", "amount", "balance_after"],
                name="points_partner_day",
            ),
            models.Index(fields=["county", "day"], name="points_county_day"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.amount:+d} {self.kind}"


class Item(models.Model):
    """积分超市的商品: goods or a service, priced in points."""

    county = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    price = models.PositiveIntegerField(_("price (points)"))
    stock = models.IntegerField(_("stock"), default=0)
    per_person_limit = models.PositiveSmallIntegerField(
        _("per person a quarter at most"), default=1
    )
    active = models.BooleanField(_("on sale"), default=True)
    sort = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("shop item")
        verbose_name_plural = _("shop items")
        ordering = ["sort", "price", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="item_stock_not_negative")
        ]

    def __str__(self) -> str:
        return self.name


class Order(models.Model):
    """兑换订单: points paid, waiting to be picked up at a station with its code."""

    partner = models.ForeignKey("people.Partner", on_delete=models.PROTECT, related_name="orders")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="orders")
    county = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    points = models.PositiveIntegerField(_("points"))
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PLACED
    )
    pickup_code = models.CharField(_("pickup code"), max_length=32, unique=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("ordered"), auto_now_add=True)
    handed_over_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="order_idempotent",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.item_id} {self.status}"


class CashReward(models.Model):
    """奖补: a cash reward in one of four grades for a valuable report, in fen."""

    report = models.OneToOneField(
        "cases.Report", on_delete=models.PROTECT, related_name="cash_reward"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(
        "people.Partner", on_delete=models.PROTECT, related_name="cash_rewards"
    )
    county = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField(_("grade"))
    amount_fen = models.PositiveIntegerField(_("amount (fen)"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CashRewardStatus.choices,
        default=CashRewardStatus.PROPOSED,
    )
    reason = models.CharField(_("why"), max_length=300)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    paid_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # 逐级核实: the case was reopened or sent back for rework after the proposal, and the
    # reward went back to review (an approval withdrawn); the note says when, why and whose.
    returned_at = models.DateTimeField(_("back to review"), null=True, blank=True)
    return_note = models.CharField(_("why back to review"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("cash reward")
        verbose_name_plural = _("cash rewards")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=4), name="cash_grade_1_to_4"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} grade {self.grade} {self.status}"


class MonthlyStatement(models.Model):
    """一月一统计: what a partner earned and spent in a month, frozen when the month is over."""

    partner = models.ForeignKey(
        "people.Partner", on_delete=models.PROTECT, related_name="statements"
    )
    county = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # its first day
    opening = models.IntegerField(_("opening balance"))
    earned = models.IntegerField(_("earned"))
    spent = models.IntegerField(_("spent"))
    closing = models.IntegerField(_("closing balance"))
    by_kind = models.JSONField(_("by kind"), default=dict)
    generated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("monthly statement")
        verbose_name_plural = _("monthly statements")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "month"], name="one_statement_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.month:%Y-%m}"


class SuspensionProposal(models.Model):
    """A partner proposed for suspension to the county reviewer after repeated false reports
    (不准虚假上报). Nothing happens by itself: the reviewer suspends on the partner's page, or
    dismisses the proposal. Pending while neither happened and the partner is still active."""

    partner = models.ForeignKey(
        "people.Partner", on_delete=models.CASCADE, related_name="suspension_proposals"
    )
    county = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    false_reports = models.PositiveSmallIntegerField(_("false reports counted"))
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    dismissed_at = models.DateTimeField(_("dismissed"), null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dismiss_note = models.CharField(_("why dismissed"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("suspension proposal")
        verbose_name_plural = _("suspension proposals")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.partner_id} @ {self.created_at:%Y-%m-%d}"
