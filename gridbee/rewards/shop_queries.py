"""Reads of the points shop (积分超市), scoped to the caller, and its redemption windows
(一季度一兑换: the last days of each quarter, in the county's local dates). "Not found" and
"not yours" answer the same."""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import DomainError
from gridbee.core.queries import get_visible
from gridbee.people.models import Partner
from gridbee.people.queries import in_region, partner_of, region_scope

from . import ledger
from .choices import OrderStatus
from .errors import RewardsError
from .models import Item, Order
from .periods import quarter_bounds

PICKUP_CODE_DIGITS = 12

# --- redemption windows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The redemption window that is open on a day, or the next one. `start`/`end` are None
    when the shop is open all year, or never (redemption_days of 0)."""

    open: bool
    always: bool = False
    start: datetime.date | None = None
    end: datetime.date | None = None


def redemption_window(county_id, on: datetime.date | None = None) -> Window:
    """The window of the quarter of `on` (today, local time, by default): open inside it,
    otherwise upcoming (it always ends on the quarter's last day, so it is never behind)."""
    rules = ledger.rules_for(county_id)
    if rules.redemption_always_open:
        return Window(open=True, always=True)
    if rules.redemption_days <= 0:
        return Window(open=False)
    on = on or timezone.localdate()
    first, last = quarter_bounds(on)
    start = max(first, last - datetime.timedelta(days=rules.redemption_days - 1))
    return Window(open=start <= on <= last, start=start, end=last)


def window_open(county_id, on: datetime.date | None = None) -> bool:
    return redemption_window(county_id, on).open


# --- items and orders -----------------------------------------------------------------------


def partner_or_refuse(user_or_partner):
    """The partner acting: given, or the caller's; NOT_A_PARTNER for anyone else."""
    if isinstance(user_or_partner, Partner):
        return user_or_partner
    partner = partner_of(user_or_partner)
    if partner is None:
        raise DomainError(RewardsError.NOT_A_PARTNER)
    return partner


def shop_items(partner) -> QuerySet[Item]:
    """What the partner's county offers, in the shop's order."""
    return Item.objects.filter(county_id=partner.county_id, active=True)


def my_orders(user) -> QuerySet[Order]:
    """The caller's own orders, newest first (none for a caller who is not a partner)."""
    partner = partner_of(user)
    if partner is None:
        return Order.objects.none()
    return Order.objects.filter(partner=partner).select_related("item")


def county_orders(user) -> QuerySet[Order]:
    """Orders of the shops a staff member manages (SHOP_MANAGE), by region."""
    if not has_perm(user, Perm.SHOP_MANAGE):
        return Order.objects.none()
    return in_region(Order.objects.select_related("item", "partner__user"), region_scope(user))


def managed_items(user) -> QuerySet[Item]:
    """The items of the shops a staff member manages (SHOP_MANAGE), with their waiting orders."""
    if not has_perm(user, Perm.SHOP_MANAGE):
        return Item.objects.none()
    waiting = Count("orders", filter=Q(orders__status=OrderStatus.PLACED))
    return in_region(Item.objects.annotate(waiting=waiting), region_scope(user)).order_by(
        "sort", "name", "id"
    )


def cancellable_orders(user) -> QuerySet[Order]:
    """A partner cancels their own orders; a shop manager, those of their region."""
    if has_perm(user, Perm.SHOP_MANAGE):
        return county_orders(user)
    return my_orders(user)


def pickup_orders(user) -> QuerySet[Order]:
    """Orders a station may hand over: those of its county (SHOP_HAND_OVER)."""
    if not has_perm(user, Perm.SHOP_HAND_OVER):
        return Order.objects.none()
    return in_region(Order.objects.select_related("item", "partner__user"), region_scope(user))


def order_by_pickup_code(user, text: str) -> Order:
    """The order a scanned or typed pickup code names, within the caller's scope."""
    code = normalize_pickup_code(text)
    order = pickup_orders(user).filter(pickup_code=code).first() if code else None
    if order is None:
        raise DomainError(RewardsError.NOT_FOUND)
    return order


def visible(queryset: QuerySet, pk):
    """One object of a scoped queryset, or NOT_FOUND for missing and not-yours alike."""
    return get_visible(queryset, pk, RewardsError.NOT_FOUND)


def normalize_pickup_code(text: str) -> str:
    """The digits of a pickup code as typed (with spaces) or scanned: the QR code holds the
    pickup page's address with ?code=…, which a scanner gun types in whole."""
    text = (text or "").strip()
    if "code=" in text:
        text = parse_qs(urlsplit(text).query).get("code", [""])[0]
    digits = re.sub(r"\D", "", text)
    return digits if len(digits) == PICKUP_CODE_DIGITS else ""


def grouped_code(code: str) -> str:
    """4821 0937 5512: easier to read out and type."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))
