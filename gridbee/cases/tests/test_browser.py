"""Live updates in a real Chromium: the operator's console shows a new emergency case without a
reload (alert and beep), and a reporter's case page shows a new step without a reload.

Server-Sent Events need an ASGI server: pytest-django's live_server is WSGI, which would buffer
an endless stream, so these tests run the app under uvicorn in a thread, on the test database."""

import os
import socket
import threading
import time
from pathlib import Path

import pytest
from django.core.asgi import get_asgi_application
from django.test import Client
from playwright.sync_api import expect

from gridbee.cases import workflow
from gridbee.cases.models import Case
from gridbee.cases.tests.test_workflow import new_case
from gridbee.conftest import is_local_url
from gridbee.core import live
from gridbee.geo.tests import layers
from gridbee.people.tests import county as county_module
from gridbee.reports.actions import Sender, ensure_default_categories, submit_report
from gridbee.reports.tests import images

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.REDIS_URL = ""  # one process: the in-process fan-out reaches the server thread
    ensure_default_categories()
    return county_module.build()


@pytest.fixture
def asgi_server(county):
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        get_asgi_application(),
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="warning",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


def screenshot(page, name: str) -> None:
    """Set GRIDBEE_SCREENSHOT_DIR to keep screenshots of the pages visited."""
    if folder := os.environ.get("GRIDBEE_SCREENSHOT_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.wait_for_timeout(300)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def logged_in_page(chromium_browser, base_url: str, user, viewport=None):
    client = Client()
    client.force_login(user)
    context = chromium_browser.new_context(
        viewport=viewport or {"width": 1280, "height": 900}, locale="zh-CN"
    )
    context.set_default_timeout(10_000)
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if is_local_url(route.request.url) else route.abort("blockedbyclient")
        ),
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def test_console_receives_a_new_emergency_live(chromium_browser, asgi_server, county):
    page, errors = logged_in_page(chromium_browser, asgi_server, county.operator)
    try:
        page.goto(f"{asgi_server}/console/")
        expect(page.locator("body")).to_have_attribute("data-live", "open")
        expect(page.locator("#case-map")).to_have_attribute("data-ready", "true")
        assert page.locator("#queue [data-case-id]").count() == 0

        answer, _ = submit_report(
            Sender.of_partner(county.partner),
            idempotency_key="sos",
            category_code="overflowing_bins",
            lat=layers.Y0 + 0.005,
            lon=layers.X0 + 0.005,
            photos=[images.jpeg(320, 240)],
            emergency=True,
        )
        case = Case.objects.get(pk=answer["case"]["id"])  # intake published it on commit

        row = page.locator(f'#queue [data-case-id="{case.pk}"]')
        expect(row).to_have_attribute("data-urgency", "emergency")
        expect(page.locator("#emergency-alert")).to_be_visible()
        expect(page.locator("#emergency-alert")).to_contain_text(f"#{case.pk}")
        expect(page.locator("body")).to_have_attribute("data-beeps", "1")
        expect(page.locator("#case-map")).to_have_attribute("data-markers", "1")
        assert errors == []
        screenshot(page, "console")
        page.goto(f"{asgi_server}/console/cases/{case.pk}/")
        expect(page.locator('.step-form[data-action="accept"]')).to_be_visible()
        screenshot(page, "console-case")
    finally:
        page.context.close()


def test_reporter_sees_a_new_step_live(chromium_browser, asgi_server, county):
    case = new_case(county)
    page, errors = logged_in_page(
        chromium_browser, asgi_server, county.partner_user, viewport={"width": 390, "height": 844}
    )
    try:
        page.goto(f"{asgi_server}/report/case/{case.pk}/")
        expect(page.locator("body")).to_have_attribute("data-live", "open")
        expect(page.locator('#timeline [data-kind="accept"]')).to_have_count(0)
        page.evaluate("window.__sameDocument = true")

        workflow.act(case.pk, "accept", actor=county.operator)  # published on commit

        expect(page.locator('#timeline [data-kind="accept"]')).to_have_count(1)
        assert page.evaluate("window.__sameDocument") is True  # no reload happened
        assert errors == []
        screenshot(page, "reporter-case")
        assert live._hub.count(f"case:{case.pk}") == 1
    finally:
        page.context.close()
    # The browser went away: the server noticed and dropped the subscription.
    deadline = time.monotonic() + 5
    while live._hub.count(f"case:{case.pk}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live._hub.count(f"case:{case.pk}") == 0
