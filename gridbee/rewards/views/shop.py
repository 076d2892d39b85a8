"""The points shop's pages (积分超市): the partner's shop and orders (with the pickup code as a
QR code), and the station's pickup counter (核销). Plain forms with CSRF; each redeem form
carries its own idempotency key, so a double tap places one order."""

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gridbee.core.authz import Perm
from gridbee.core.errors import DomainError
from gridbee.core.pages import needs, refusal, show_refusal
from gridbee.people.qr import qr_svg
from gridbee.people.queries import partner_of
from gridbee.people.validators import mask_mobile, mask_name

from .. import ledger
from ..actions import shop as actions
from ..actions.shop import LIVE
from ..choices import OrderStatus
from ..errors import RewardsError
from ..models import Order
from ..shop_queries import (
    county_orders,
    grouped_code,
    managed_items,
    my_orders,
    normalize_pickup_code,
    order_by_pickup_code,
    redemption_window,
    shop_items,
    visible,
)


def partner_page(view):
    """Log in first; a caller who is not a partner gets the refusal page."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        partner = partner_of(request.user)
        if partner is None:
            return refusal(request)
        return view(request, partner, *args, **kwargs)

    return wrapped


# --- the partner's shop and orders ----------------------------------------------------------


@never_cache
@partner_page
def shop(request, partner):
    window = redemption_window(partner.county_id)
    balance = ledger.balance(partner)
    taken = dict(
        Order.objects.filter(partner=partner, status__in=LIVE)
        .values("item")
        .annotate(n=Count("id"))
        .values_list("item", "n")
    )
    rows = []
    for item in shop_items(partner):
        if item.stock <= 0:
            why = _("Out of stock")
        elif taken.get(item.pk, 0) >= item.per_person_limit:
            why = _("Already redeemed")
        elif balance < item.price:
            why = _("Not enough points")
        else:
            why = ""
        rows.append({"item": item, "why": why, "taken": taken.get(item.pk, 0)})
    context = {
        "partner": partner,
        "balance": balance,
        "window": window,
        "rows": rows,
        "can_act": partner.can_act,
        "key": uuid.uuid4().hex,  # one per page view: a double tap is one order
        "placed": my_orders(request.user).filter(status=OrderStatus.PLACED).count(),
    }
    return render(request, "rewards/shop.html", context)


@require_POST
@partner_page
def redeem(request, partner, pk: int):
    try:
        order, created = actions.redeem(partner, pk, idempotency_key=request.POST.get("key", ""))
    except DomainError as exc:
        show_refusal(request, exc)
        return redirect("shop")
    if created:
        messages.success(
            request, _("Redeemed. Show the pickup code at a station to collect your item.")
        )
    return redirect("shop-order", pk=order.pk)


@never_cache
@partner_page
def orders(request, partner):
    rows = list(my_orders(request.user)[:100])
    return render(request, "rewards/orders.html", {"orders": rows, "partner": partner})


@never_cache
@partner_page
def order_detail(request, partner, pk: int):
    try:
        order = visible(my_orders(request.user), pk)
    except DomainError:
        raise Http404 from None
    context = {"order": order, "code": grouped_code(order.pickup_code)}
    if order.status == OrderStatus.PLACED:
        url = request.build_absolute_uri(reverse("shop-pickup")) + f"?code={order.pickup_code}"
        context["qr"] = qr_svg(url, title=_("Pickup code"), scale=6)
    return render(request, "rewards/orders_detail.html", context)


@require_POST
@partner_page
def cancel(request, partner, pk: int):
    try:
        actions.cancel(pk, actor=request.user)
    except DomainError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Order cancelled: your points are back."))
    return redirect("shop-orders")


# --- the county's shop, for its managers ---------------------------------------------------


@never_cache
@needs(Perm.SHOP_MANAGE)
def manage(request):
    """The county's shop at a glance: stock and waiting orders per item, and the orders (the
    pickup code stays with the partner; names and numbers masked)."""
    status = request.GET.get("status", OrderStatus.PLACED)
    if status not in OrderStatus.values:
        status = OrderStatus.PLACED
    orders = county_orders(request.user).filter(status=status).order_by("-id")
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    for order in page:
        order.partner_label = mask_name(order.partner.name)
        order.mobile_label = mask_mobile(order.partner.user.mobile)
    context = {
        "items": managed_items(request.user),
        "page": page,
        "status": status,
        "keep": f"status={status}&",
        "statuses": OrderStatus.choices,
        "window": redemption_window(request.user.region_id) if request.user.region_id else None,
    }
    return render(request, "rewards/shop_manage.html", context)


@require_POST
@needs(Perm.SHOP_MANAGE)
def manage_cancel(request, pk: int):
    """A manager cancels an order that cannot be handed over (the item is gone, the partner
    asked at the station): the points go back to the partner."""
    try:
        actions.cancel(pk, actor=request.user)
    except DomainError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Order cancelled: the points went back to the partner."))
    return redirect("shop-manage")


# --- the station's pickup counter -----------------------------------------------------------


@never_cache
@needs(Perm.SHOP_HAND_OVER)
def pickup(request):
    """Type or scan a pickup code; see the order; hand it over."""
    typed = request.GET.get("code", "").strip()
    order = None
    if typed:
        try:
            order = order_by_pickup_code(request.user, typed)
        except DomainError:
            messages.error(request, _("No order with this pickup code in your county."))
    context = {
        "typed": typed,
        "order": order,
        "code": grouped_code(order.pickup_code) if order else "",
        "partner_name": mask_name(order.partner.name) if order else "",
        "partner_mobile": mask_mobile(order.partner.user.mobile) if order else "",
    }
    return render(request, "rewards/pickup.html", context)


@require_POST
@needs(Perm.SHOP_HAND_OVER)
def hand_over(request):
    code = normalize_pickup_code(request.POST.get("code", ""))
    try:
        actions.hand_over(request.user, code)
    except DomainError as exc:
        if exc.error is RewardsError.NOT_FOUND:
            messages.error(request, _("No order with this pickup code in your county."))
            return redirect("shop-pickup")
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Handed over."))
    return redirect(reverse("shop-pickup") + f"?code={code}")
