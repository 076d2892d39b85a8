"""A hundred partners pressing the button at the same moment: threads, each with its own
database connection, against a balance or a stock that allows exactly ten redemptions. Also an
award sent twenty times at once lands once. Runs on SQLite and on PostgreSQL alike
(GRIDBEE_DATABASE_URL); there, the threads hold at most the connections the server has free
(a hundred at once would pass PostgreSQL's default max_connections with other tests running)."""

import threading
from collections import Counter

import pytest
from django.db import connection

from gridbee.core.errors import DomainError
from gridbee.geo.tests import layers
from gridbee.people import actions as people_actions
from gridbee.people.demo import id_check_character
from gridbee.people.tests import county as county_module
from gridbee.rewards import ledger
from gridbee.rewards.actions import shop
from gridbee.rewards.choices import EntryKind, ItemKind, OrderStatus
from gridbee.rewards.models import EarningRules, Item, Order, PointsEntry

pytestmark = pytest.mark.django_db(transaction=True)

PRESSES = 100
ALLOWED = 10
PRICE = 5


@pytest.fixture
def county(live_county):
    c = live_county
    EarningRules.objects.create(county_id=layers.COUNTY, redemption_always_open=True)
    return c


def enrol(county, n: int) -> list:
    """n more partners of the fixture's station, enrolled through the real steps."""
    partners = []
    for i in range(n):
        first17 = f"52273119900101{i:03d}"
        application = people_actions.submit_application(
            name=f"骑手{i}",
            mobile=f"1360000{i:04d}",
            id_number=first17 + id_check_character(first17),
            password=county_module.PASSWORD,
            station_id=county.station.pk,
            work_area="城区",
            grid_codes=[county_module.GRID_1],
            accepted_rules=True,
        )
        people_actions.act_on_application(application.pk, "recommend", actor=county.station_user)
        approved = people_actions.act_on_application(
            application.pk, "approve", actor=county.reviewer
        )
        partners.append(approved.partner)
    return partners


def connection_slots(wanted: int) -> int:
    """How many connections the threads may hold at once: all of them on SQLite; on PostgreSQL
    as many as its max_connections leaves free (100 by default, shared with other test
    processes), keeping ten for them."""
    if connection.vendor != "postgresql":
        return wanted
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int"
            " - current_setting('superuser_reserved_connections')::int"
            " - (SELECT count(*) FROM pg_stat_activity)"
        )
        free = cursor.fetchone()[0]
    return max(10, min(wanted, free - 10))


def at_once(calls) -> list:
    """Run each call in its own thread with its own connection, all released together; what
    each returned or the code it was refused with."""
    results: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls))
    slots = threading.BoundedSemaphore(connection_slots(len(calls)))

    def run(i, call):
        try:
            barrier.wait()
            with slots:
                try:
                    results[i] = call()
                finally:
                    connection.close()
        except DomainError as exc:
            results[i] = exc.code
        except Exception as exc:  # a crash must show up as a result, not hang
            results[i] = repr(exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def outcome(results) -> Counter:
    return Counter("ok" if isinstance(r, tuple) else r for r in results)


def test_a_hundred_presses_against_a_balance_for_ten_give_ten_orders(county):
    item = Item.objects.create(county_id=layers.COUNTY, name="矿泉水", kind=ItemKind.GOODS,
                               price=PRICE, stock=1000, per_person_limit=1000)  # fmt: skip
    partner = county.partner
    ledger.award(partner, EntryKind.ACTIVITY, key="ten", amount=PRICE * ALLOWED)

    results = at_once(
        [
            lambda n=n: shop.redeem(partner, item.pk, idempotency_key=f"press-{n}")
            for n in range(PRESSES)
        ]
    )

    assert outcome(results) == {"ok": ALLOWED, "rewards.insufficient_points": PRESSES - ALLOWED}
    item.refresh_from_db()
    assert item.stock == 1000 - ALLOWED
    assert ledger.balance(partner) == 0 == ledger.ledger_sum(partner)
    assert Order.objects.filter(status=OrderStatus.PLACED).count() == ALLOWED
    assert PointsEntry.objects.filter(kind=EntryKind.REDEMPTION).count() == ALLOWED


def test_a_hundred_partners_against_a_stock_of_ten_give_ten_orders(county):
    item = Item.objects.create(county_id=layers.COUNTY, name="充电宝", kind=ItemKind.GOODS,
                               price=PRICE, stock=ALLOWED)  # fmt: skip
    partners = enrol(county, PRESSES)
    for p in partners:
        ledger.award(p, EntryKind.ACTIVITY, key=f"start:{p.pk}", amount=PRICE * 2)

    results = at_once(
        [lambda p=p: shop.redeem(p, item.pk, idempotency_key="press") for p in partners]
    )

    assert outcome(results) == {"ok": ALLOWED, "rewards.out_of_stock": PRESSES - ALLOWED}
    item.refresh_from_db()
    assert item.stock == 0
    winners = {r[0].partner_id for r in results if isinstance(r, tuple)}
    assert len(winners) == ALLOWED
    for p in partners:
        assert (
            ledger.balance(p) == ledger.ledger_sum(p) == (PRICE if p.pk in winners else 2 * PRICE)
        )


def test_the_same_press_sent_twenty_times_at_once_places_one_order(county):
    item = Item.objects.create(county_id=layers.COUNTY, name="头盔", kind=ItemKind.GOODS,
                               price=PRICE, stock=5, per_person_limit=5)  # fmt: skip
    ledger.award(county.partner, EntryKind.ACTIVITY, key="some", amount=PRICE * 5)

    results = at_once([lambda: shop.redeem(county.partner, item.pk, idempotency_key="retry")] * 20)

    assert outcome(results) == {"ok": 20}
    assert len({r[0].pk for r in results}) == 1 and sum(r[1] for r in results) == 1
    assert Order.objects.count() == 1 and ledger.balance(county.partner) == PRICE * 4


def test_one_key_pressed_for_two_items_at_once_places_one_order(county):
    """Ten presses for each of two items, all under one key: one order; the presses for its
    item answer it, the others are refused as a key reused for another item."""
    raincoat, gloves = (
        Item.objects.create(
            county_id=layers.COUNTY, name=name, kind=ItemKind.GOODS, price=PRICE, stock=5
        )
        for name in ("雨衣", "手套")
    )
    ledger.award(county.partner, EntryKind.ACTIVITY, key="some", amount=PRICE * 5)
    pressed = [raincoat, gloves] * 10

    results = at_once(
        [lambda i=i: shop.redeem(county.partner, i.pk, idempotency_key="one") for i in pressed]
    )

    order = Order.objects.get()
    assert outcome(results) == {"ok": 10, "rewards.idempotency_key_reused": 10}
    for item, result in zip(pressed, results, strict=True):
        if item.pk == order.item_id:
            assert result[0].pk == order.pk
    assert ledger.balance(county.partner) == PRICE * 4


def test_an_award_repeated_concurrently_lands_once(county):
    results = at_once(
        [
            lambda: ledger.award(county.partner, EntryKind.FIRST_REPORT, key="case:1:first")
            for _ in range(20)
        ]
    )

    assert all(getattr(r, "key", None) == "case:1:first" for r in results), results
    assert PointsEntry.objects.filter(key="case:1:first").count() == 1
    assert ledger.balance(county.partner) == 10 == ledger.ledger_sum(county.partner)
