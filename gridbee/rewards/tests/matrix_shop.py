"""Rows of the API role matrix (people/tests/test_api_matrix.py) for the shop operations:
the same Op shape, merged into its OPS; PATH_PARAMETERS maps our placeholders to the schema's."""

from gridbee.geo.tests import layers
from gridbee.people.tests.matrix_base import LOGGED_IN, Op, only
from gridbee.rewards import ledger
from gridbee.rewards.actions import shop
from gridbee.rewards.choices import EntryKind, ItemKind
from gridbee.rewards.models import EarningRules, Item


def open_shop(county) -> None:
    """An open shop in the fixture county with one item, and a partner who can pay for it."""
    EarningRules.objects.update_or_create(
        county_id=layers.COUNTY, defaults={"redemption_always_open": True}
    )
    item = Item.objects.create(
        county_id=layers.COUNTY, name="雨衣", kind=ItemKind.GOODS, price=20, stock=5
    )
    ledger.award(county.partner, EntryKind.ACTIVITY, key="matrix:points", amount=50)
    county.shop_item = item.pk


def placed_order(county) -> None:
    open_shop(county)
    order, _ = shop.redeem(county.partner, county.shop_item, idempotency_key="matrix-order")
    county.shop_order = order.pk
    county.pickup_code = order.pickup_code


OPS: dict = {
    "shop": Op("GET", "/api/shop", {"partner": 200}, prepare=open_shop),
    "shop_redeem": Op(
        "POST",
        "/api/shop/items/{shop_item}/orders",
        {"partner": 201},
        prepare=open_shop,
        multipart=True,  # the matrix sends an Idempotency-Key header with multipart calls
    ),
    "shop_my_orders": Op(
        "GET", "/api/shop/orders/mine", only(200, LOGGED_IN), prepare=placed_order
    ),
    "shop_cancel": Op(
        "POST",
        "/api/shop/orders/{shop_order}/cancel",
        {**only(200, ["partner", "reviewer", "admin"]), "far_reviewer": 404},
        prepare=placed_order,
    ),
    "shop_county_orders": Op(
        "GET",
        "/api/shop/orders",
        only(200, ["reviewer", "admin", "far_reviewer"]),
        prepare=placed_order,
    ),
    "shop_pickup": Op(
        "GET",
        "/api/shop/pickups/{pickup_code}",
        {**only(200, ["station", "admin"]), **only(404, ["far_station"])},
        prepare=placed_order,
    ),
    "shop_hand_over": Op(
        "POST",
        "/api/shop/pickups/{pickup_code}/hand-over",
        {**only(200, ["station", "admin"]), **only(404, ["far_station"])},
        prepare=placed_order,
    ),
}
PATH_PARAMETERS: dict[str, str] = {
    "{shop_item}": "{item_id}",
    "{shop_order}": "{order_id}",
    "{pickup_code}": "{code}",
}
