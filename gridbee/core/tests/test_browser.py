"""The web shell in a real Chromium: login, a role's home page, the grid map. No request may
leave this machine (government intranets have no internet).

Set GRIDBEE_SCREENSHOT_DIR to keep phone-sized screenshots of the pages visited."""

import json
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from gridbee.people.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, create_demo_accounts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
CENTER = (26.1328, 106.6564)  # lat, lon of the demo county seat


def mobile_of(role: str) -> str:
    return next(a["mobile"] for a in DEMO_ACCOUNTS if a["role"] == role)


def record_requests(page: Page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def outside(urls: list[str]) -> list[str]:
    return [
        u
        for u in urls
        if urlsplit(u).scheme not in {"data", "blob", "about"}
        and urlsplit(u).hostname not in LOCAL_HOSTS
    ]


def screenshot(page: Page, name: str) -> None:
    if folder := os.environ.get("GRIDBEE_SCREENSHOT_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.wait_for_timeout(400)  # let Leaflet's fade-in finish
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def log_in(page: Page, mobile: str) -> None:
    page.get_by_label("手机号", exact=True).fill(mobile)
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()


def test_partner_is_sent_to_login_then_sees_the_partner_home(live_server, browser_page):
    page = browser_page
    create_demo_accounts()
    requests = record_requests(page)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    screenshot(page, "login")

    log_in(page, "138 0000 0001")  # typed the way people type it
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("[data-home-role=partner]")).to_be_visible()
    expect(page.locator("h1")).to_have_text("在跑单路上，随手上报身边事")
    expect(page.locator(".who-name")).to_have_text("李明")
    expect(page.get_by_text("随手拍", exact=True)).to_be_visible()
    screenshot(page, "partner-home")

    # Tap targets stay big enough for a thumb on a phone.
    for button in page.locator("header button").all():
        box = button.bounding_box()
        assert box and box["height"] >= 44, button.inner_text()

    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/login/$"))

    assert outside(requests) == []
    assert any(u.endswith("/static/vendor/htmx/htmx.min.js") for u in requests)
    assert errors == []


def test_wrong_password_stays_on_login_with_a_chinese_error(live_server, browser_page):
    page = browser_page
    create_demo_accounts()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("手机号", exact=True).fill("13800000001")
    page.get_by_label("密码", exact=True).fill("wrong-password")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("手机号或密码不正确")
    screenshot(page, "login-error")


def test_language_switch_to_english(live_server, browser_page):
    page = browser_page
    create_demo_accounts()
    page.goto(f"{live_server.url}/login/")
    log_in(page, mobile_of("partner"))
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Report what you see on your rounds")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def open_map_as_operator(page: Page, live_server) -> None:
    create_demo_accounts()
    page.goto(f"{live_server.url}/map/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/map/$"))
    log_in(page, mobile_of("operator"))
    expect(page).to_have_url(f"{live_server.url}/map/")


def test_operator_map_initialises_with_or_without_the_geo_api(live_server, browser_page):
    page = browser_page
    requests = record_requests(page)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    open_map_as_operator(page, live_server)
    container = page.locator("#grid-map")
    expect(container).to_have_class(re.compile(r"\bleaflet-container\b"))
    expect(container).to_have_attribute("data-ready", "true")
    expect(page.locator(".leaflet-control-zoom-in")).to_be_visible()
    # The grids request finished one way or the other (drawn, or a message if the API is absent).
    expect(page.locator("#grid-map-status")).to_have_attribute("data-kind", re.compile("ok|error"))
    # No tile server configured: no tile layer at all, so no tile requests.
    assert page.locator(".leaflet-tile").count() == 0
    assert not [u for u in requests if "tile" in u]

    # A click asks which grid holds the point and answers in a popup, whatever the answer.
    container.click()
    expect(page.locator(".leaflet-popup-content")).not_to_be_empty()
    screenshot(page, "grid-map")

    assert outside(requests) == []
    assert any("/api/geo/grids?bbox=" in u for u in requests)
    assert errors == []


GRID = {
    "type": "Feature",
    "geometry": {
        "type": "Polygon",
        "coordinates": [
            [[106.65, 26.13], [106.66, 26.13], [106.66, 26.136], [106.65, 26.136], [106.65, 26.13]]
        ],
    },
    "properties": {
        "code": "520123100001001",
        "name": "城关一网格",
        "kind": "comprehensive",
        "community_code": "520123100001",
    },
}
LOCATED = {
    "match": "grid",
    "grid": {"code": "520123100001001", "name": "城关一网格", "kind": "comprehensive"},
    "regions": [
        {"code": "520000000000", "name": "贵州省", "level": "province"},
        {"code": "520100000000", "name": "贵阳市", "level": "city"},
        {"code": "520123000000", "name": "修文县", "level": "county"},
        {"code": "520123100000", "name": "龙场街道", "level": "town"},
        {"code": "520123100001", "name": "城关社区", "level": "community"},
    ],
}


def test_map_follows_the_geo_api_contract(live_server, browser_page):
    """The grids and locate APIs answered as their contract says (stubbed in the browser)."""
    page = browser_page
    grid_queries: list[dict] = []
    locate_queries: list[dict] = []
    state = {"too_large": False}

    def grids(route):
        grid_queries.append(parse_qs(urlsplit(route.request.url).query))
        if state["too_large"]:
            body = {"code": "geo.bbox_too_large", "message": "范围太大，请放大地图。"}
            route.fulfill(status=400, content_type="application/json", body=json.dumps(body))
        else:
            body = {"type": "FeatureCollection", "features": [GRID]}
            route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    def locate(route):
        locate_queries.append(parse_qs(urlsplit(route.request.url).query))
        route.fulfill(status=200, content_type="application/json", body=json.dumps(LOCATED))

    page.route("**/api/geo/grids?*", grids)
    page.route("**/api/geo/locate?*", locate)
    open_map_as_operator(page, live_server)

    status = page.locator("#grid-map-status")
    expect(status).to_have_text("已显示网格：1 个")
    drawn = "document.getElementById('grid-map').gridbee.grids.getLayers().length"
    assert page.evaluate(drawn) == 1
    west, south, east, north = map(float, grid_queries[0]["bbox"][0].split(","))
    assert west < CENTER[1] < east
    assert south < CENTER[0] < north

    page.locator("#grid-map").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("城关一网格")
    expect(popup).to_contain_text("520123100001001")
    expect(popup).to_contain_text("综合网格")
    expect(popup).to_contain_text("贵州省")
    expect(popup).to_contain_text("城关社区")
    expect(popup).to_contain_text("乡镇/街道")  # the API's level names, shown translated
    screenshot(page, "grid-map-located")
    assert locate_queries[0]["crs"] == ["wgs84"]
    assert abs(float(locate_queries[0]["lat"][0]) - CENTER[0]) < 0.01
    assert abs(float(locate_queries[0]["lon"][0]) - CENTER[1]) < 0.01

    # Zoomed far out the API refuses; its message is shown and nothing is drawn.
    state["too_large"] = True
    page.evaluate("void document.getElementById('grid-map').gridbee.map.setZoom(6)")
    expect(status).to_have_text("范围太大，请放大地图。")
    expect(status).to_have_attribute("data-kind", "error")
    assert page.evaluate(drawn) == 0
    assert len(grid_queries) >= 2
