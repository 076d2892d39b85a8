"""Monthly statements (一月一统计): what a partner earned and spent in a month, read from the
ledger. A month is a range of the entries' local `day`, so a month's figures never change once
it is over, and a statement can be written again at any time with the same numbers.

    closing = opening + earned − spent + corrections

where `earned` sums the earning kinds, `spent` is what the shop took net of refunds, and
corrections (staff adjustments, and any other kind) stay visible in `by_kind`."""

import datetime

from django.db.models import Exists, OuterRef, Sum

from .choices import EARNING_KINDS, EntryKind
from .models import MonthlyStatement, PointsAccount, PointsEntry
from .periods import first_of_month, next_month

SHOP_KINDS = (EntryKind.REDEMPTION, EntryKind.REFUND)


def compute(partner, month_first_day: datetime.date) -> dict:
    """The statement of `partner` (a Partner or its pk) for the month starting on
    `month_first_day`: two index-only reads whatever the size of the ledger (the last entry
    before the month for the opening balance; the month's entries summed by kind)."""
    partner_id = getattr(partner, "pk", partner)
    start = first_of_month(month_first_day)
    end = next_month(start)
    opening = (
        PointsEntry.objects.filter(partner_id=partner_id, day__lt=start)
        .order_by("-day", "-id")
        .values_list("balance_after", flat=True)
        .first()
    ) or 0
    by_kind = {
        kind: total
        for kind, total in PointsEntry.objects.filter(
            partner_id=partner_id, day__gte=start, day__lt=end
        )
        .order_by()
        .values("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
        if total
    }
    earned = sum(v for k, v in by_kind.items() if k in EARNING_KINDS)
    spent = -sum(v for k, v in by_kind.items() if k in SHOP_KINDS)
    corrections = sum(by_kind.values()) - earned + spent
    return {
        "month": start,
        "opening": opening,
        "earned": earned,
        "spent": spent,
        "corrections": corrections,
        "closing": opening + sum(by_kind.values()),
        "by_kind": by_kind,
    }


def generate_month(month: datetime.date) -> int:
    """Write (or rewrite, with the same numbers) the statement of `month` for every partner
    with an account and at least one entry by the month's end. Returns how many."""
    start = first_of_month(month)
    end = next_month(start)
    accounts = (
        PointsAccount.objects.filter(
            Exists(PointsEntry.objects.filter(partner_id=OuterRef("partner_id"), day__lt=end))
        )
        .order_by("partner_id")
        .values_list("partner_id", "county_id")
    )
    count = 0
    for partner_id, county_id in accounts.iterator(chunk_size=500):
        figures = compute(partner_id, start)
        MonthlyStatement.objects.update_or_create(
            partner_id=partner_id,
            month=start,
            defaults={
                "county_id": county_id,
                "opening": figures["opening"],
                "earned": figures["earned"],
                "spent": figures["spent"],
                "closing": figures["closing"],
                "by_kind": figures["by_kind"],
            },
        )
        count += 1
    return count
