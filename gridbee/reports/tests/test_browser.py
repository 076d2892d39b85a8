"""随手拍 in a real Chromium on a phone-sized screen, with the location emulated: a partner
reports with a photo; and in a basement with no network the report waits on the phone
(IndexedDB, service worker), survives a reload, and is filed exactly once when the network
comes back, though both the page and the service worker try to send it. No request may leave
this machine.

Set GRIDBEE_SCREENSHOT_DIR to keep phone-sized screenshots of the pages visited."""

import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from gridbee.cases.models import Photo, Report
from gridbee.conftest import PHONE_VIEWPORT, is_local_url
from gridbee.core.tests.browsing import phone_of
from gridbee.people.tests.county import GRID_1, PASSWORD

from . import images

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Inside 凤山第1网格 of the fixture county (see gridbee/geo/tests/layers.py).
PLACE = {"latitude": 26.105, "longitude": 106.605, "accuracy": 12}
FAR_AWAY = {"latitude": 39.9, "longitude": 116.4, "accuracy": 20}  # not this county


@pytest.fixture
def phone(chromium_browser):
    """Makes browser contexts like a rider's phone: Chinese, phone-sized, location allowed,
    service workers allowed (the shared browser_page blocks them), nothing outside."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    contexts = []

    def keep_local(route):
        if is_local_url(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def make(place=PLACE):
        context = chromium_browser.new_context(
            viewport=PHONE_VIEWPORT,
            locale="zh-CN",
            geolocation=place,
            permissions=["geolocation"],
            service_workers="allow",
        )
        context.set_default_timeout(15_000)
        context.route("**/*", keep_local)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def watch(page: Page) -> tuple[list[str], list[str]]:
    requests: list[str] = []
    errors: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return requests, errors


def outside(urls: list[str]) -> list[str]:
    return [u for u in urls if not is_local_url(u)]


def screenshot(page: Page, name: str) -> None:
    if folder := os.environ.get("GRIDBEE_SCREENSHOT_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.wait_for_timeout(400)  # let Leaflet's fade-in finish
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def log_in_to_report(page: Page, live_server, county) -> None:
    page.goto(f"{live_server.url}/report/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/report/$"))
    page.get_by_label("手机号", exact=True).fill(county.partner_user.mobile)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/report/")


def photo_file(tmp_path, name="photo.jpg", **size) -> str:
    path = tmp_path / name
    path.write_bytes(images.jpeg(**size))
    return str(path)


def fill_report(page: Page, photo: str, category="overflowing_bins", text="") -> None:
    page.set_input_files("#photo-camera", photo)
    expect(page.locator("#photo-previews .preview img")).to_have_count(1)
    page.locator(f'label[data-category="{category}"]').click()
    if text:
        page.locator("#report-text").fill(text)


def until(page, expression: str, arg=None, seconds: float = 10) -> None:
    """Wait until expression holds in the page. Playwright's wait_for_function polls through
    a function it builds from the text, which the pages' Content-Security-Policy (no eval)
    refuses; evaluating from here goes through the DevTools protocol, which it does not."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression, arg):
        assert time.monotonic() < deadline, f"never true: {expression}"
        time.sleep(0.05)


def test_a_partner_reports_with_a_photo_where_they_stand(live_server, phone, county, tmp_path):
    page = phone().new_page()
    requests, errors = watch(page)
    log_in_to_report(page, live_server, county)

    # The phone's fix, with its accuracy, and the pin on the map.
    accuracy = page.locator("#location-accuracy")
    expect(accuracy).to_be_visible()
    expect(accuracy).to_have_attribute("data-metres", "12")
    expect(accuracy).to_contain_text("12")
    expect(page.locator("#location-status")).to_have_attribute("data-state", "located")
    expect(page.locator(".report-pin")).to_be_visible()
    # The grids of the place are drawn on the plain map (no tile server, no tiles).
    until(page, "document.getElementById('report-map').gridbee.grids.getLayers().length > 0")
    assert page.locator(".leaflet-tile").count() == 0
    expect(page.locator("#location-grid")).to_have_attribute("data-grid", GRID_1)
    expect(page.locator("#location-grid")).to_contain_text("凤山第1网格")

    # Sending without a photo or a category says what is missing and sends nothing.
    page.locator("#send").click()
    expect(page.locator("#photo-error")).to_be_visible()
    expect(page.locator("#category-error")).to_be_visible()
    assert Report.objects.count() == 0

    # A 3000×2000 photo from the camera is downscaled on the phone to 2048 on its long edge.
    fill_report(page, photo_file(tmp_path, width=3000, height=2000), text="北门垃圾桶满了")
    expect(page.locator("#photo-error")).to_be_hidden()
    screenshot(page, "report-filled")
    page.locator("#send").click()

    outcome = page.locator('#outcomes .outcome[data-kind="sent"]')
    expect(outcome).to_be_visible()
    expect(outcome).to_have_attribute("data-first", "true")
    expect(outcome).to_contain_text("凤山第1网格")
    expect(outcome).to_contain_text("已上报")
    expect(page.locator("#queue-bar")).to_have_attribute("data-count", "0")
    expect(page.locator("#queue-bar")).to_be_hidden()
    # The form is ready for the next report.
    expect(page.locator("#photo-previews .preview")).to_have_count(0)
    assert page.locator("input[name=category]:checked").count() == 0
    screenshot(page, "report-sent")

    report = Report.objects.get()
    assert report.partner == county.partner
    assert report.category.code == "overflowing_bins"
    assert report.text == "北门垃圾桶满了"
    assert report.accuracy_m == 12
    assert abs(report.lat - PLACE["latitude"]) < 1e-6
    assert abs(report.lon - PLACE["longitude"]) < 1e-6
    assert report.grid.name == "凤山第1网格" and report.is_first
    assert report.phone_time is not None
    photo = Photo.objects.get(report=report)
    assert (photo.width, photo.height) == (2048, 1365)
    assert outcome.get_attribute("data-report-id") == str(report.pk)

    # My reports shows it, with its thumbnail and status.
    page.get_by_role("link", name=re.compile("我的上报")).first.click()
    expect(page).to_have_url(f"{live_server.url}/report/mine/")
    item = page.locator(f'#report-list [data-report-id="{report.pk}"]')
    expect(item).to_contain_text("垃圾桶满溢")
    expect(item).to_contain_text("已上报")
    expect(item.locator('[data-first="true"]')).to_be_visible()
    thumb = item.locator("img.report-thumb")
    expect(thumb).to_be_visible()
    until(page, "img => img.complete && img.naturalWidth > 0", thumb.element_handle())
    expect(page.locator("#pending-list")).to_be_hidden()
    screenshot(page, "my-reports")

    assert outside(requests) == []
    assert errors == []


def test_a_report_made_offline_waits_on_the_phone_and_is_filed_exactly_once(
    live_server, phone, county, tmp_path
):
    context = phone()
    page = context.new_page()
    requests, errors = watch(page)
    posts = []
    context.on(
        "request",
        lambda r: posts.append(r) if r.method == "POST" and r.url.endswith("/api/reports") else 0,
    )
    log_in_to_report(page, live_server, county)
    # Opened online once: the service worker installs and keeps the page for later.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    until(page, "navigator.serviceWorker.controller !== null")
    expect(page.locator("#location-accuracy")).to_have_attribute("data-metres", "12")

    # In the basement: no network at all.
    context.set_offline(True)
    fill_report(page, photo_file(tmp_path), category="stairwell_clutter", text="楼道堆满纸箱")
    page.locator("#send").click()
    bar = page.locator("#queue-bar")
    expect(bar).to_have_attribute("data-count", "1")
    expect(bar).to_have_attribute("data-state", "offline")
    expect(bar).to_be_visible()
    expect(page.locator("#queue-note")).to_be_visible()
    expect(page.locator("#outcomes .outcome")).to_have_count(0)
    screenshot(page, "report-queued")
    assert Report.objects.count() == 0

    # Still offline, the page opens again (from the service worker's cache) and the report
    # is still there (IndexedDB); the worker's own try fails as well.
    page.reload()
    expect(page.locator("#report-form")).to_be_visible()
    expect(bar).to_have_attribute("data-count", "1")
    expect(bar).to_have_attribute("data-state", "offline")
    page.evaluate("navigator.serviceWorker.controller.postMessage({type: 'gridbee-flush'})")
    page.wait_for_timeout(500)
    assert Report.objects.count() == 0

    # My reports, offline too, lists it as waiting.
    page.goto(f"{live_server.url}/report/mine/")
    pending = page.locator("#pending-list [data-pending-id]")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text("楼道乱堆放")
    expect(pending).to_contain_text("楼道堆满纸箱")
    screenshot(page, "my-reports-pending")
    page.go_back()
    expect(bar).to_have_attribute("data-count", "1")

    # The network is back: the page (its online event), Background Sync and a nudge to the
    # worker all try at once. One report, and every try carried the same key.
    context.set_offline(False)
    page.evaluate("navigator.serviceWorker.controller.postMessage({type: 'gridbee-flush'})")
    page.evaluate("window.gridbeeReports.flush()")
    expect(bar).to_have_attribute("data-count", "0")
    outcome = page.locator('#outcomes .outcome[data-kind="sent"]')
    expect(outcome).to_have_count(1)
    expect(outcome).to_contain_text("凤山第1网格")
    screenshot(page, "report-sent-later")
    page.wait_for_timeout(1500)  # any late retry would land now

    report = Report.objects.get()
    assert report.category.code == "stairwell_clutter" and report.text == "楼道堆满纸箱"
    assert report.photos.count() == 1
    keys = {r.header_value("idempotency-key") for r in posts}
    assert keys == {report.idempotency_key}
    assert re.fullmatch(r"[0-9a-f-]{36}", report.idempotency_key)
    assert page.evaluate("window.gridbeeReports.queue.list(null).then(items => items.length)") == 0
    assert outside(requests) == []
    assert errors == []


def test_a_refused_report_says_why_and_leaves_the_queue(live_server, phone, county, tmp_path):
    page = phone(place=FAR_AWAY).new_page()
    log_in_to_report(page, live_server, county)
    expect(page.locator("#location-accuracy")).to_have_attribute("data-metres", "20")
    fill_report(page, photo_file(tmp_path, width=800, height=600))
    page.locator("#send").click()
    outcome = page.locator('#outcomes .outcome[data-kind="refused"]')
    expect(outcome).to_be_visible()
    expect(outcome).to_contain_text("此地点不在")  # the server's own message, in Chinese
    expect(page.locator("#queue-bar")).to_have_attribute("data-count", "0")
    assert Report.objects.count() == 0


def test_a_report_sent_after_the_login_expired_waits_for_the_next_login(
    live_server, phone, county, tmp_path
):
    context = phone()
    page = context.new_page()
    log_in_to_report(page, live_server, county)
    expect(page.locator("#location-accuracy")).to_have_attribute("data-metres", "12")
    context.clear_cookies(name="sessionid")  # the session ran out while the page stayed open

    fill_report(page, photo_file(tmp_path, width=800, height=600))
    page.locator("#send").click()
    bar = page.locator("#queue-bar")
    expect(bar).to_have_attribute("data-state", "login")
    expect(bar).to_have_attribute("data-count", "1")
    assert Report.objects.count() == 0

    # The note links to the login page, which leads back here; the report goes out then.
    page.locator("#queue-note a").click()
    expect(page).to_have_url(re.compile(r"/login/\?next=/report/$"))
    page.get_by_label("手机号", exact=True).fill(county.partner_user.mobile)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/report/")
    expect(page.locator('#outcomes .outcome[data-kind="sent"]')).to_be_visible()
    expect(bar).to_have_attribute("data-count", "0")
    assert Report.objects.get().partner == county.partner


def test_a_server_error_keeps_the_report_for_the_next_try(live_server, phone, county, tmp_path):
    context = phone()
    server = {"down": True, "refused": 0}

    def behind_a_proxy(route):  # the page's tries and the service worker's alike
        if server["down"]:
            server["refused"] += 1
            route.fulfill(status=502, content_type="text/html", body="<h1>502 Bad Gateway</h1>")
        else:
            route.continue_()

    context.route("**/api/reports", behind_a_proxy)
    page = context.new_page()
    log_in_to_report(page, live_server, county)
    expect(page.locator("#location-accuracy")).to_have_attribute("data-metres", "12")
    fill_report(page, photo_file(tmp_path, width=800, height=600))
    page.locator("#send").click()
    bar = page.locator("#queue-bar")
    expect(bar).to_have_attribute("data-state", "offline")
    expect(bar).to_have_attribute("data-count", "1")
    assert server["refused"] >= 1
    assert Report.objects.count() == 0

    server["down"] = False
    page.locator("#queue-retry").click()  # the rider need not wait for the next automatic try
    expect(page.locator('#outcomes .outcome[data-kind="sent"]')).to_be_visible()
    expect(bar).to_have_attribute("data-count", "0")
    assert Report.objects.count() == 1


@pytest.mark.parametrize(("path", "map_id"), [("/console/hotline/", "#hotline-map"),
                                              ("/console/alerts/", "#alert-map")])  # fmt: skip
def test_the_shared_place_picker_fills_the_form_from_a_click(
    live_server, chromium_browser, county, path, map_id
):
    """The hotline and the alert console take their place from one picker
    (gridbee/place-picker.js): a click fills the coordinates and resets them to WGS-84."""
    desktop = {"viewport": {"width": 1280, "height": 900}}
    with phone_of(
        chromium_browser, live_server.url, county.operator, block_live=True, **desktop
    ) as page:
        page.goto(f"{live_server.url}{path}", timeout=30_000)  # the first page warms the server
        page.locator("#crs").select_option("gcj02")
        page.locator(map_id).click()
        expect(page.locator("#lat")).to_have_value(re.compile(r"^\d+\.\d{6}$"))
        expect(page.locator("#lon")).to_have_value(re.compile(r"^\d+\.\d{6}$"))
        expect(page.locator("#crs")).to_have_value("wgs84")
        expect(page.locator(f"{map_id} .leaflet-marker-icon")).to_have_count(1)
