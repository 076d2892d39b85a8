"""The points shop over JSON (积分超市): a partner's shop and orders, a station's pickups, a
county's order list. Handlers parse, authorize, call an action or a scoped query, present."""

from dataclasses import asdict

from ninja import Query, Router, Status

from gridbee.core.authz import Access, Perm, needs
from gridbee.core.schemas import ErrorOut
from gridbee.people.auth import LOGGED_IN
from gridbee.people.privacy import partner_contact
from gridbee.people.validators import mask_mobile, mask_name

from .. import ledger
from ..actions import shop as actions
from ..choices import OrderStatus
from ..models import Item, Order
from ..schemas import CountyOrderOut, OrderOut, PickupOut, ShopOut
from ..shop_queries import (
    county_orders,
    my_orders,
    order_by_pickup_code,
    partner_or_refuse,
    redemption_window,
    shop_items,
)

router = Router(tags=["rewards"])
ERRORS = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)


def item_out(item: Item) -> dict:
    return {
        "id": item.pk,
        "name": item.name,
        "kind": item.kind,
        "description": item.description,
        "price": item.price,
        "stock": item.stock,
        "per_person_limit": item.per_person_limit,
    }


def order_out(order: Order, *, own: bool = False) -> dict:
    return {
        "id": order.pk,
        "item_id": order.item_id,
        "item_name": order.item.name,
        "item_kind": order.item.kind,
        "points": order.points,
        "status": order.status,
        "status_label": str(OrderStatus(order.status).label),
        "pickup_code": order.pickup_code if own else None,
        "created_at": order.created_at,
        "handed_over_at": order.handed_over_at,
        "cancelled_at": order.cancelled_at,
    }


@router.get("/shop", response={200: ShopOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def get_shop(request):
    """The partner's county shop: their balance, the redemption window (open now, or the
    next one) and the items on sale."""
    partner = partner_or_refuse(request.user)
    window = redemption_window(partner.county_id)
    return {
        "county_code": partner.county_id,
        "balance": ledger.balance(partner),
        "window": asdict(window),
        "items": [item_out(i) for i in shop_items(partner)],
    }


@router.post(
    "/shop/items/{item_id}/orders",
    response={200: OrderOut, 201: OrderOut, **ERRORS},
    auth=LOGGED_IN,
)
@needs(Access.SIGNED_IN)
def redeem(request, item_id: int):
    """Redeem an item (兑换). Send a fresh `Idempotency-Key` header per redemption and the same
    one on every retry: 201 places the order, 200 answers the first one again, 422 refuses
    the key sent again for another item."""
    order, created = actions.redeem(
        request.user, item_id, idempotency_key=request.headers.get("Idempotency-Key", "")
    )
    return Status(201 if created else 200, order_out(order, own=True))


@router.get("/shop/orders/mine", response={200: list[OrderOut], **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def list_my_orders(request, limit: int = Query(50, ge=1, le=200)):
    """The caller's orders, newest first, with their pickup codes."""
    return [order_out(o, own=True) for o in my_orders(request.user)[:limit]]


@router.post("/shop/orders/{order_id}/cancel", response={200: OrderOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def cancel_order(request, order_id: int):
    """Cancel an order not yet handed over: the points come back. The partner cancels their
    own; a shop manager, any of their county's."""
    order = actions.cancel(order_id, actor=request.user)
    own = order.partner.user_id == request.user.pk
    return order_out(Order.objects.select_related("item").get(pk=order.pk), own=own)


@router.get("/shop/orders", response={200: list[CountyOrderOut], **ERRORS}, auth=LOGGED_IN)
@needs(Perm.SHOP_MANAGE)
def list_county_orders(
    request,
    status: OrderStatus | None = None,
    limit: int = Query(100, ge=1, le=500),
):
    """The orders of the caller's county shop, newest first (SHOP_MANAGE)."""
    orders = county_orders(request.user)
    if status:
        orders = orders.filter(status=status)
    return [
        {
            **order_out(o),
            "partner_id": o.partner_id,
            "partner_name": o.partner.name,
            "partner_mobile": partner_contact(request.user, o.partner)["mobile"],
        }
        for o in orders[:limit]
    ]


def pickup_out(order: Order) -> dict:
    return {
        **order_out(order),
        "partner_name": mask_name(order.partner.name),
        "partner_mobile": mask_mobile(order.partner.user.mobile),
    }


@router.get("/shop/pickups/{code}", response={200: PickupOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.SHOP_HAND_OVER)
def get_pickup(request, code: str):
    """A station looks up the order a pickup code names (as typed, or the QR's content)."""
    return pickup_out(order_by_pickup_code(request.user, code))


@router.post("/shop/pickups/{code}/hand-over", response={200: PickupOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.SHOP_HAND_OVER)
def hand_over(request, code: str):
    """核销: hand the order over, once; a second time answers 409."""
    order = actions.hand_over(request.user, code)
    return pickup_out(order_by_pickup_code(request.user, order.pickup_code))
