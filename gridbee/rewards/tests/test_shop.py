"""The points shop (积分超市): redemption windows, redeem, cancel and hand over through the
actions, the API and the pages; every refusal answers a stable code and changes nothing."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from gridbee.core.errors import DomainError
from gridbee.geo.tests import layers
from gridbee.people import actions as people_actions
from gridbee.people.tests import county as county_module
from gridbee.rewards import ledger
from gridbee.rewards.actions import shop
from gridbee.rewards.choices import EntryKind, ItemKind, OrderStatus
from gridbee.rewards.models import EarningRules, Item, Order, PointsAccount, PointsEntry
from gridbee.rewards.shop_queries import normalize_pickup_code, redemption_window, window_open


@pytest.fixture
def county(county):
    c = county
    EarningRules.objects.create(county_id=layers.COUNTY, redemption_always_open=True)
    c.raincoat = add_item("雨衣", price=20, stock=3)
    c.helmet = add_item("头盔", price=40, stock=1, per_person_limit=2)
    give(c.partner, 50)
    return c


def add_item(name, *, price, stock, county=layers.COUNTY, **extra) -> Item:
    return Item.objects.create(
        county_id=county, name=name, kind=ItemKind.GOODS, price=price, stock=stock, **extra
    )


def give(partner, points: int, key: str = "") -> None:
    ledger.award(partner, EntryKind.ACTIVITY, key=key or f"test:{partner.pk}", amount=points)


def second_partner(county):
    application = people_actions.act_on_application(
        county.recommended.pk, "approve", actor=county.reviewer
    )
    return application.partner


def state():
    """Everything a refused call must leave as it was."""
    return {
        "orders": sorted(Order.objects.values_list("id", "status", "handed_over_by")),
        "entries": sorted(PointsEntry.objects.values_list("partner_id", "amount", "kind", "key")),
        "accounts": sorted(PointsAccount.objects.values_list("partner_id", "balance")),
        "stock": sorted(Item.objects.values_list("id", "stock")),
    }


def refused(code: str, call, *args, **kwargs) -> DomainError:
    before = state()
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code
    assert state() == before, "a refusal changed something"
    return caught.value


def redeem(county, item=None, key="k1", partner=None):
    return shop.redeem(partner or county.partner, (item or county.raincoat).pk, idempotency_key=key)


# --- redemption windows ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "is_open"),
    [
        ("2026-03-21", False),
        ("2026-03-22", True),  # the last ten days of the quarter
        ("2026-03-31", True),
        ("2026-04-01", False),
        ("2026-06-20", False),
        ("2026-06-21", True),  # June has 30 days
        ("2026-09-30", True),
        ("2026-12-22", True),
        ("2026-12-21", False),
    ],
)
def test_the_shop_opens_the_last_ten_days_of_each_quarter(db, day, is_open):
    assert window_open(layers.COUNTY, on=datetime.date.fromisoformat(day)) is is_open


def test_the_window_says_when_it_opens_next(db):
    window = redemption_window(layers.COUNTY, on=datetime.date(2026, 2, 1))
    assert not window.open and (window.start, window.end) == (
        datetime.date(2026, 3, 22),
        datetime.date(2026, 3, 31),
    )


def test_county_rules_set_the_window(db):
    layers.install()
    rules = EarningRules.objects.create(county_id=layers.COUNTY, redemption_days=31)
    assert window_open(layers.COUNTY, on=datetime.date(2026, 3, 1))
    assert not window_open(layers.COUNTY, on=datetime.date(2026, 2, 28))
    rules.redemption_days = 0
    rules.save()
    assert redemption_window(layers.COUNTY, on=datetime.date(2026, 3, 31)).open is False
    rules.redemption_always_open = True
    rules.save()
    assert redemption_window(layers.COUNTY, on=datetime.date(2026, 5, 1)).always


# --- redeem ---------------------------------------------------------------------------------


def test_redeeming_pays_points_takes_stock_and_gives_a_pickup_code(county):
    order, created = redeem(county)
    assert created and order.status == OrderStatus.PLACED and order.points == 20
    assert re.fullmatch(r"\d{12}", order.pickup_code)
    assert ledger.balance(county.partner) == 30 == ledger.ledger_sum(county.partner)
    county.raincoat.refresh_from_db()
    assert county.raincoat.stock == 2
    entry = PointsEntry.objects.get(order=order)
    assert (entry.amount, entry.kind, entry.key) == (-20, EntryKind.REDEMPTION, f"order:{order.pk}")


def test_the_same_idempotency_key_returns_the_same_order_and_changes_nothing(county):
    first, _ = redeem(county, key="tap")
    before = state()
    again, created = redeem(county, key="tap")
    assert again.pk == first.pk and not created
    assert state() == before


def test_pickup_codes_differ(county):
    county.raincoat.per_person_limit = 3
    county.raincoat.save()
    codes = {redeem(county, key=f"k{n}")[0].pickup_code for n in range(2)}
    assert len(codes) == 2


def test_a_key_used_for_another_item_is_refused(county):
    redeem(county, key="tap")
    refused("rewards.idempotency_key_reused", redeem, county, item=county.helmet, key="tap")


def test_a_redemption_needs_an_idempotency_key(county):
    refused("rewards.idempotency_key_required", redeem, county, key=" ")
    refused("rewards.idempotency_key_required", redeem, county, key="x" * 101)


def test_only_partners_redeem(county):
    refused("rewards.not_a_partner", shop.redeem, county.reviewer, county.raincoat.pk,
            idempotency_key="k")  # fmt: skip


def test_a_suspended_partner_cannot_redeem(county):
    people_actions.change_partner_status(
        county.partner.pk, "suspend", actor=county.reviewer, reason="inactivity"
    )
    county.partner.refresh_from_db()
    refused("rewards.partner_not_active", redeem, county)


def test_an_item_of_another_county_or_none_at_all_is_not_found(county):
    far = add_item("外县雨衣", price=1, stock=9, county=county_module.OTHER_COUNTY)
    refused("rewards.not_found", redeem, county, item=far)
    refused("rewards.not_found", shop.redeem, county.partner, 999_999, idempotency_key="k")


def test_an_item_taken_off_sale_is_refused(county):
    Item.objects.filter(pk=county.raincoat.pk).update(active=False)
    refused("rewards.item_unavailable", redeem, county)


def test_outside_the_window_redemption_is_refused(county):
    EarningRules.objects.filter(county_id=layers.COUNTY).update(
        redemption_always_open=False, redemption_days=0
    )
    error = refused("rewards.window_closed", redeem, county)
    assert error.status == 409


def test_out_of_stock_is_refused(county):
    Item.objects.filter(pk=county.raincoat.pk).update(stock=0)
    refused("rewards.out_of_stock", redeem, county)


def test_the_per_person_limit_counts_live_orders(county):
    order, _ = redeem(county, key="a")
    refused("rewards.limit_reached", redeem, county, key="b")
    shop.cancel(order.pk, actor=county.partner_user)
    again, created = redeem(county, key="c")
    assert created and again.pk != order.pk


def test_the_per_person_limit_starts_afresh_each_quarter(county):
    order, _ = redeem(county, key="a")
    refused("rewards.limit_reached", redeem, county, key="b")
    last_quarter = timezone.now() - datetime.timedelta(days=100)
    Order.objects.filter(pk=order.pk).update(created_at=last_quarter)
    again, created = redeem(county, key="c")
    assert created and again.pk != order.pk


def test_not_enough_points_is_refused(county):
    redeem(county, item=county.helmet, key="a")  # 50 - 40 = 10 left
    error = refused("rewards.insufficient_points", redeem, county, key="b")
    assert error.status == 409


# --- cancel ---------------------------------------------------------------------------------


def test_cancelling_returns_the_points_and_the_stock(county):
    order, _ = redeem(county)
    cancelled = shop.cancel(order.pk, actor=county.partner_user)
    assert cancelled.status == OrderStatus.CANCELLED and cancelled.cancelled_at
    county.raincoat.refresh_from_db()
    assert county.raincoat.stock == 3
    assert ledger.balance(county.partner) == 50 == ledger.ledger_sum(county.partner)
    refund = PointsEntry.objects.get(kind=EntryKind.REFUND)
    assert (refund.amount, refund.key, refund.actor) == (20, f"order:{order.pk}:refund",
                                                         county.partner_user)  # fmt: skip


def test_a_cancelled_or_handed_over_order_cannot_be_cancelled(county):
    order, _ = redeem(county, key="a")
    shop.cancel(order.pk, actor=county.partner_user)
    refused("rewards.order_cancelled", shop.cancel, order.pk, actor=county.partner_user)
    other, _ = redeem(county, item=county.helmet, key="b")
    shop.hand_over(county.station_user, other.pickup_code)
    refused("rewards.already_handed_over", shop.cancel, other.pk, actor=county.partner_user)


def test_who_may_cancel(county):
    order, _ = redeem(county)
    other = second_partner(county)
    refused("rewards.not_found", shop.cancel, order.pk, actor=other.user)
    refused("rewards.not_found", shop.cancel, order.pk, actor=county.far_reviewer)
    refused("auth.forbidden", shop.cancel, order.pk, actor=county.station_user)
    refused("auth.forbidden", shop.cancel, order.pk, actor=county.operator)
    assert shop.cancel(order.pk, actor=county.reviewer).status == OrderStatus.CANCELLED
    refund = PointsEntry.objects.get(kind=EntryKind.REFUND)
    assert refund.actor == county.reviewer


# --- hand over ------------------------------------------------------------------------------


def test_a_station_hands_over_once(county):
    order, _ = redeem(county)
    done = shop.hand_over(county.station_user, order.pickup_code)
    assert done.status == OrderStatus.HANDED_OVER and done.handed_over_by == county.station_user
    assert done.handed_over_at is not None
    error = refused("rewards.already_handed_over", shop.hand_over, county.station_user,
                    order.pickup_code)  # fmt: skip
    assert error.status == 409


def test_hand_over_refusals(county):
    order, _ = redeem(county)
    refused("rewards.not_found", shop.hand_over, county.far_station_user, order.pickup_code)
    refused("auth.forbidden", shop.hand_over, county.operator, order.pickup_code)
    refused("auth.forbidden", shop.hand_over, county.partner_user, order.pickup_code)
    refused("rewards.not_found", shop.hand_over, county.station_user, "000000000000")
    refused("rewards.not_found", shop.hand_over, county.station_user, "12")
    shop.cancel(order.pk, actor=county.partner_user)
    refused("rewards.order_cancelled", shop.hand_over, county.station_user, order.pickup_code)


def test_a_code_is_read_as_typed_or_scanned():
    assert normalize_pickup_code(" 4821 0937 5512 ") == "482109375512"
    assert normalize_pickup_code("http://127.0.0.1:8000/shop/pickup/?code=482109375512") == (
        "482109375512"
    )
    assert normalize_pickup_code("4821") == ""


# --- the API --------------------------------------------------------------------------------


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_redeem(client, item, key="api-1"):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(f"/api/shop/items/{item.pk}/orders", headers=headers)


def test_api_shop_shows_balance_window_and_items(county):
    body = client_of(county.partner_user).get("/api/shop").json()
    assert body["balance"] == 50 and body["window"]["open"] and body["window"]["always"]
    assert [i["name"] for i in body["items"]] == ["雨衣", "头盔"]
    answer = client_of(county.station_user).get("/api/shop")
    assert answer.status_code == 403 and answer.json()["code"] == "rewards.not_a_partner"


def test_api_redeem_is_idempotent(county):
    client = client_of(county.partner_user)
    first = post_redeem(client, county.raincoat)
    assert first.status_code == 201
    again = post_redeem(client, county.raincoat)
    assert again.status_code == 200 and again.json() == first.json()
    assert Order.objects.count() == 1 and first.json()["pickup_code"]
    missing = post_redeem(client, county.raincoat, key="")
    assert missing.status_code == 400
    assert missing.json()["code"] == "rewards.idempotency_key_required"


def test_api_a_key_reused_for_another_item_is_422(county):
    client = client_of(county.partner_user)
    assert post_redeem(client, county.raincoat, key="tap").status_code == 201
    before = state()
    answer = post_redeem(client, county.helmet, key="tap")
    assert (answer.status_code, answer.json()["code"]) == (422, "rewards.idempotency_key_reused")
    assert answer.json()["message"] == "此 Idempotency-Key 已用于其他商品。"
    assert state() == before


def test_api_refusals_carry_their_code_and_status(county):
    client = client_of(county.partner_user)
    Item.objects.filter(pk=county.raincoat.pk).update(stock=0)
    answer = post_redeem(client, county.raincoat)
    assert (answer.status_code, answer.json()["code"]) == (409, "rewards.out_of_stock")
    answer = client.post("/api/shop/items/999999/orders", headers={"Idempotency-Key": "x"})
    assert (answer.status_code, answer.json()["code"]) == (404, "rewards.not_found")
    assert Order.objects.count() == 0


def test_api_orders_cancel_pickup_and_hand_over(county):
    partner = client_of(county.partner_user)
    order = post_redeem(partner, county.raincoat).json()
    mine = partner.get("/api/shop/orders/mine").json()
    assert [o["id"] for o in mine] == [order["id"]] and mine[0]["pickup_code"]

    county_list = client_of(county.reviewer).get("/api/shop/orders").json()
    assert county_list[0]["pickup_code"] is None and county_list[0]["partner_name"] == "王小明"
    assert client_of(county.far_reviewer).get("/api/shop/orders").json() == []

    station = client_of(county.station_user)
    found = station.get(f"/api/shop/pickups/{order['pickup_code']}").json()
    assert found["partner_name"] == "王*明" and found["partner_mobile"] == "137****0000"
    assert found["pickup_code"] is None and found["status"] == "placed"
    handed = station.post(f"/api/shop/pickups/{order['pickup_code']}/hand-over")
    assert handed.status_code == 200 and handed.json()["status"] == "handed_over"
    twice = station.post(f"/api/shop/pickups/{order['pickup_code']}/hand-over")
    assert (twice.status_code, twice.json()["code"]) == (409, "rewards.already_handed_over")
    late = partner.post(f"/api/shop/orders/{order['id']}/cancel")
    assert (late.status_code, late.json()["code"]) == (409, "rewards.already_handed_over")


def test_api_cancel_returns_the_points(county):
    partner = client_of(county.partner_user)
    order = post_redeem(partner, county.helmet).json()
    answer = partner.post(f"/api/shop/orders/{order['id']}/cancel")
    assert answer.status_code == 200 and answer.json()["status"] == "cancelled"
    assert partner.get("/api/shop").json()["balance"] == 50


# --- the pages ------------------------------------------------------------------------------


def test_the_shop_page_redeems_and_shows_the_pickup_qr(county):
    client = client_of(county.partner_user)
    page = client.get("/shop/")
    assert page.status_code == 200 and "雨衣" in page.text
    key = re.search(r'name="key" value="([^"]+)"', page.text).group(1)
    answer = client.post(f"/shop/items/{county.raincoat.pk}/redeem/", {"key": key})
    order = Order.objects.get()
    assert answer.status_code == 302 and answer.url == f"/shop/orders/{order.pk}/"
    again = client.post(f"/shop/items/{county.raincoat.pk}/redeem/", {"key": key})
    assert again.url == answer.url and Order.objects.count() == 1  # a double tap
    detail = client.get(answer.url)
    assert "<svg" in detail.text and order.pickup_code in detail.text
    assert client_of(county.station_user).get("/shop/").status_code == 403


def test_the_shop_page_shows_a_refusal(county):
    client = client_of(county.partner_user)
    client.post(f"/shop/items/{county.helmet.pk}/redeem/", {"key": "a"})
    answer = client.post(f"/shop/items/{county.raincoat.pk}/redeem/", {"key": "b"}, follow=True)
    assert 'class="msg msg-error"' in answer.text
    assert Order.objects.count() == 1


def test_the_pickup_page_finds_and_hands_over(county):
    order, _ = redeem(county)
    station = client_of(county.station_user)
    page = station.get("/shop/pickup/", {"code": order.pickup_code})
    assert "王*明" in page.text and 'id="hand-over"' in page.text
    station.post("/shop/pickup/hand-over/", {"code": order.pickup_code})
    order.refresh_from_db()
    assert order.status == OrderStatus.HANDED_OVER
    assert client_of(county.partner_user).get("/shop/pickup/").status_code == 403
    assert (
        client_of(county.far_station_user)
        .get("/shop/pickup/", {"code": order.pickup_code})
        .context["order"]
        is None
    )


# --- the admin ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    ["earningrules", "item", "order", "pointsentry", "pointsaccount", "cashreward",
     "monthlystatement"],
)  # fmt: skip
def test_every_rewards_list_opens_in_the_admin(county, model):
    redeem(county)
    assert client_of(county.admin).get(f"/admin/rewards/{model}/").status_code == 200


def test_orders_and_entries_are_read_only_in_the_admin_and_hide_the_pickup_code(county):
    order, _ = redeem(county)
    admin = client_of(county.admin)
    page = admin.get(f"/admin/rewards/order/{order.pk}/change/")
    assert page.status_code == 200 and order.pickup_code not in page.text
    admin.post(f"/admin/rewards/order/{order.pk}/change/", {"status": "handed_over"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    entry = PointsEntry.objects.get(order=order)
    assert admin.post(f"/admin/rewards/pointsentry/{entry.pk}/delete/").status_code == 403
    assert PointsEntry.objects.filter(pk=entry.pk).exists()


# --- the manager's page ---------------------------------------------------------------------


def test_the_county_sees_its_shop_and_cancels_an_order_with_a_refund(county):
    order, _ = redeem(county)
    reviewer = Client()
    reviewer.force_login(county.reviewer)
    page = reviewer.get("/review/shop/").content.decode()
    assert f'data-order-id="{order.pk}"' in page and "雨衣" in page
    assert order.pickup_code not in page, "the pickup code stays with the partner"
    assert county.partner.user.mobile not in page, "mobile numbers masked"
    answer = reviewer.post(f"/review/shop/orders/{order.pk}/cancel/")
    assert answer.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert ledger.balance(county.partner) == 50 == ledger.ledger_sum(county.partner)


def test_the_shop_page_is_the_county_managers_alone(county):
    order, _ = redeem(county)
    far = Client()
    far.force_login(county.far_reviewer)
    assert f'data-order-id="{order.pk}"' not in far.get("/review/shop/").content.decode()
    assert far.post(f"/review/shop/orders/{order.pk}/cancel/").status_code == 404
    partner = Client()
    partner.force_login(county.partner_user)
    assert partner.get("/review/shop/").status_code == 403
    assert partner.post(f"/review/shop/orders/{order.pk}/cancel/").status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
