"""The points shop in a real Chromium: a partner redeems a raincoat on their phone and sees the
pickup code and its QR code; the station types the code in, checks the order and hands it
over; the partner's orders then say it was collected.

Set GRIDBEE_SCREENSHOT_DIR to keep phone-sized screenshots of the pages visited."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from gridbee.core.tests.browsing import phone_of
from gridbee.geo.tests import layers
from gridbee.rewards import ledger
from gridbee.rewards.choices import EntryKind, ItemKind, OrderStatus
from gridbee.rewards.models import EarningRules, Item, Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(live_county):
    c = live_county
    EarningRules.objects.create(county_id=layers.COUNTY, redemption_always_open=True)
    c.raincoat = Item.objects.create(
        county_id=layers.COUNTY, name="雨衣", kind=ItemKind.GOODS, price=30, stock=4
    )
    Item.objects.create(
        county_id=layers.COUNTY, name="充电宝", kind=ItemKind.GOODS, price=500, stock=2
    )
    ledger.award(c.partner, EntryKind.ACTIVITY, key="browser", amount=45)
    return c


def screenshot(page, name: str) -> None:
    if folder := os.environ.get("GRIDBEE_SCREENSHOT_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"shop-{name}.png"), full_page=True)


def test_a_partner_redeems_and_a_station_hands_it_over(chromium_browser, live_server, county):
    base = live_server.url
    with phone_of(chromium_browser, base, county.partner_user) as partner:
        partner.goto(f"{base}/shop/")
        expect(partner.locator("#balance")).to_have_text("45")
        expect(partner.locator("#window")).to_have_attribute("data-open", "true")
        too_dear = partner.locator(".shop-item", has_text="充电宝").locator("button")
        expect(too_dear).to_be_disabled()
        screenshot(partner, "shop")
        partner.locator(".shop-item", has_text="雨衣").locator("button").click()

        expect(partner.locator("#order")).to_have_attribute("data-status", "placed")
        expect(partner.locator(".pickup-qr svg")).to_be_visible()
        code = partner.locator("#pickup-code").get_attribute("data-code")
        assert code and len(code) == 12 and code.isdigit()
        expect(partner.locator("#pickup-code")).to_have_text(
            " ".join(code[i : i + 4] for i in range(0, 12, 4))
        )
        screenshot(partner, "order")

        with phone_of(chromium_browser, base, county.station_user) as station:
            station.goto(f"{base}/shop/pickup/")
            station.locator("#code").fill(" ".join(code[i : i + 4] for i in range(0, 12, 4)))
            station.locator("#code").press("Enter")
            order = station.locator("#pickup-order")
            expect(order).to_have_attribute("data-status", "placed")
            expect(order).to_contain_text("雨衣")
            expect(order).to_contain_text("王*明")
            screenshot(station, "pickup")
            station.locator("#hand-over").click()
            expect(station.locator("#pickup-order")).to_have_attribute("data-status", "handed_over")
            expect(station.locator("#hand-over")).to_have_count(0)
            screenshot(station, "handed-over")

        partner.goto(f"{base}/shop/orders/")
        row = partner.locator(".shop-order").first
        expect(row).to_have_attribute("data-status", "handed_over")
        screenshot(partner, "orders")

    order = Order.objects.get()
    assert order.status == OrderStatus.HANDED_OVER
    assert order.handed_over_by == county.station_user
    assert ledger.balance(county.partner) == 15 == ledger.ledger_sum(county.partner)
