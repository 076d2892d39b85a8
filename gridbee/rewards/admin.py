"""Admin for rewards: a county's earning rules and its shop's items are edited here. Everything
with a history is read-only: points move only through the ledger, orders through the shop,
cash rewards and statements through their own pages and tasks."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gridbee.core.admin import ReadOnlyAdmin

from .models import (
    CashReward,
    EarningRules,
    Item,
    MonthlyStatement,
    Order,
    PointsAccount,
    PointsEntry,
)


@admin.register(EarningRules)
class EarningRulesAdmin(admin.ModelAdmin):
    list_display = ["county", "first_report_points", "report_points", "check_in_points",
                    "daily_cap", "redemption_days", "redemption_always_open"]  # fmt: skip
    raw_id_fields = ["county"]
    fieldsets = [
        (None, {"fields": ["county"]}),
        (_("Points"), {"fields": ["first_report_points", "report_points", "check_in_points",
                                  "activity_points", "alert_points", "daily_cap"]}),
        (_("Cash rewards (fen)"), {"fields": ["cash_for", "grade1_fen", "grade2_fen",
                                              "grade3_fen", "grade4_fen",
                                              "separate_cash_approval_and_payment"]}),
        (_("Points shop"), {"fields": ["redemption_days", "redemption_always_open"]}),
        (_("Gaming"), {"fields": ["false_report_limit"]}),
    ]  # fmt: skip


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    """积分超市的商品: stock is set here; redemptions and cancellations move it by one."""

    list_display = ["name", "county", "kind", "price", "stock", "per_person_limit", "active",
                    "sort"]  # fmt: skip
    list_filter = ["active", "kind", "county"]
    list_editable = ["active", "sort"]
    search_fields = ["name"]
    raw_id_fields = ["county"]


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["id", "item", "partner", "county", "points", "status", "created_at",
                    "handed_over_at"]  # fmt: skip
    list_filter = ["status", "county"]
    search_fields = ["partner__name", "item__name"]
    list_select_related = ["item", "partner", "county"]
    exclude = ["pickup_code", "idempotency_key"]  # the partner's to show, nobody else's


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "partner", "amount", "kind", "balance_after", "day", "actor", "note"]
    list_filter = ["kind", "county"]
    search_fields = ["partner__name", "key"]
    list_select_related = ["partner", "actor"]
    date_hierarchy = "day"


@admin.register(PointsAccount)
class PointsAccountAdmin(ReadOnlyAdmin):
    list_display = ["partner", "county", "balance", "entry_count"]
    list_filter = ["county"]
    search_fields = ["partner__name"]
    list_select_related = ["partner", "county"]


@admin.register(CashReward)
class CashRewardAdmin(ReadOnlyAdmin):
    list_display = ["id", "partner", "grade", "amount_fen", "status", "proposed_at", "paid_at"]
    list_filter = ["status", "grade", "county"]
    search_fields = ["partner__name", "paid_reference"]
    list_select_related = ["partner"]


@admin.register(MonthlyStatement)
class MonthlyStatementAdmin(ReadOnlyAdmin):
    list_display = ["partner", "month", "opening", "earned", "spent", "closing"]
    list_filter = ["month", "county"]
    search_fields = ["partner__name"]
    list_select_related = ["partner"]
