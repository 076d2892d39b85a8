"""The points shop's writes (积分超市): redeem an item, cancel an order, hand it over at a
station. Each runs in one transaction, locking rows always in the same order (order, then
item, then the partner's points account), so that a hundred partners pressing the button at
once neither oversell the stock nor overdraw a balance, and never deadlock. Every refusal is
a DomainError with a stable code and changes nothing."""

import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import CommonError, DomainError
from gridbee.core.writers import one_writer
from gridbee.people.choices import PartnerStatus
from gridbee.people.models import Partner

from .. import ledger
from ..choices import EntryKind, OrderStatus
from ..errors import RewardsError
from ..models import Item, Order
from ..periods import local_midnight, quarter_bounds
from ..shop_queries import (
    PICKUP_CODE_DIGITS,
    cancellable_orders,
    order_by_pickup_code,
    partner_or_refuse,
    visible,
    window_open,
)

MAX_KEY_LENGTH = 100
LIVE = (OrderStatus.PLACED, OrderStatus.HANDED_OVER)


def redeem(partner_user_or_partner, item_id, *, idempotency_key: str) -> tuple[Order, bool]:
    """兑换: pay an item's price in points for an order to pick up at a station. Returns the
    order and whether it is new: the same idempotency key again returns the first order and
    changes nothing."""
    partner = partner_or_refuse(partner_user_or_partner)
    key = (idempotency_key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise DomainError(RewardsError.IDEMPOTENCY_KEY_REQUIRED)
    earlier = _earlier(partner, key, item_id)
    if earlier is not None:
        return earlier, False
    try:
        return _redeem(partner, item_id, key), True
    except _KeyTaken:
        # The same key landed meanwhile from another request (another item's lock).
        return _earlier(partner, key, item_id), False


class _KeyTaken(Exception):
    pass


def _redeem(partner: Partner, item_id, key: str) -> Order:
    with one_writer(), transaction.atomic():
        item = visible(
            Item.objects.select_for_update().filter(county_id=partner.county_id), item_id
        )
        if _earlier(partner, key, item_id) is not None:  # decided while we waited
            raise _KeyTaken
        status = Partner.objects.filter(pk=partner.pk).values_list("status", flat=True).get()
        if status != PartnerStatus.ACTIVE:
            raise DomainError(RewardsError.NOT_ACTIVE)
        if not item.active:
            raise DomainError(RewardsError.ITEM_UNAVAILABLE)
        if not window_open(partner.county_id):
            raise DomainError(RewardsError.WINDOW_CLOSED)
        if item.stock <= 0:
            raise DomainError(RewardsError.OUT_OF_STOCK)
        if _taken_this_quarter(partner, item) >= item.per_person_limit:
            raise DomainError(RewardsError.LIMIT_REACHED)
        if ledger.balance(partner) < item.price:  # early; debit checks again under its lock
            raise DomainError(RewardsError.INSUFFICIENT_POINTS)
        order = _place(partner, item, key)
        ledger.debit(partner, item.price, kind=EntryKind.REDEMPTION, key=f"order:{order.pk}",
                     order=order)  # fmt: skip
        if not Item.objects.filter(pk=item.pk, stock__gt=0).update(stock=F("stock") - 1):
            raise DomainError(RewardsError.OUT_OF_STOCK)
        return order


def _taken_this_quarter(partner: Partner, item: Item) -> int:
    """一季度一兑换: the per-person limit counts this quarter's orders not cancelled, so a
    partner may redeem the yearly health check again next year."""
    first, _last = quarter_bounds(timezone.localdate())
    since = local_midnight(first)
    return Order.objects.filter(
        partner=partner, item=item, status__in=LIVE, created_at__gte=since
    ).count()


def _place(partner: Partner, item: Item, key: str) -> Order:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Order.objects.create(
                    partner=partner,
                    item=item,
                    county_id=item.county_id,
                    points=item.price,
                    pickup_code=new_pickup_code(),
                    idempotency_key=key,
                )
        except IntegrityError:
            if Order.objects.filter(partner=partner, idempotency_key=key).exists():
                raise _KeyTaken from None
            # else two codes met among a trillion: draw again
    raise RuntimeError("could not draw a free pickup code")


def new_pickup_code() -> str:
    """Twelve random digits: typed in at a station, unguessable, held by the order's QR code."""
    return f"{secrets.randbelow(10**PICKUP_CODE_DIGITS):0{PICKUP_CODE_DIGITS}d}"


def _earlier(partner: Partner, key: str, item_id) -> Order | None:
    order = Order.objects.filter(partner=partner, idempotency_key=key).first()
    if order is not None and str(order.item_id) != str(item_id):
        raise DomainError(RewardsError.KEY_REUSED)
    return order


def cancel(order_id, *, actor) -> Order:
    """取消: the partner (or a shop manager of the county) cancels an order not yet handed
    over; the item goes back on the shelf and the points back to the partner."""
    if not has_perm(actor, Perm.SHOP_MANAGE) and not _is_partner(actor):
        raise DomainError(CommonError.FORBIDDEN)
    order_id = visible(cancellable_orders(actor), order_id).pk
    with one_writer(), transaction.atomic():
        order = Order.objects.select_for_update().select_related("partner").get(pk=order_id)
        _must_be_placed(order)
        Item.objects.filter(pk=order.item_id).update(stock=F("stock") + 1)
        ledger.credit(
            order.partner,
            order.points,
            kind=EntryKind.REFUND,
            key=f"order:{order.pk}:refund",
            order=order,
            actor=actor,
        )
        order.status = OrderStatus.CANCELLED
        order.cancelled_at = timezone.now()
        order.save(update_fields=["status", "cancelled_at"])
    return order


def hand_over(station_user, pickup_code: str) -> Order:
    """核销: station staff of the order's county hand over what was redeemed, once."""
    if not has_perm(station_user, Perm.SHOP_HAND_OVER):
        raise DomainError(CommonError.FORBIDDEN)
    order_id = order_by_pickup_code(station_user, pickup_code).pk
    with one_writer(), transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        _must_be_placed(order)
        order.status = OrderStatus.HANDED_OVER
        order.handed_over_at = timezone.now()
        order.handed_over_by = station_user
        order.save(update_fields=["status", "handed_over_at", "handed_over_by"])
    return order


def _must_be_placed(order: Order) -> None:
    if order.status == OrderStatus.HANDED_OVER:
        raise DomainError(RewardsError.ALREADY_HANDED_OVER)
    if order.status == OrderStatus.CANCELLED:
        raise DomainError(RewardsError.ORDER_CANCELLED)


def _is_partner(user) -> bool:
    return Partner.objects.filter(user_id=getattr(user, "pk", None)).exists()
