"""Live updates in a real Chromium: the operator's console shows a new emergency case without a
reload (alert and beep), a reporter's case page shows a new step without a reload, and the whole
closed loop from a partner's report to its rating, each step arriving live on the reporter's page.

Server-Sent Events need an ASGI server: pytest-django's live_server is WSGI, which would buffer
an endless stream, so these tests run the app under uvicorn in a thread, on the test database."""

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from gridbee.cases import workflow
from gridbee.cases.models import Case
from gridbee.cases.tests.test_workflow import new_case
from gridbee.core import live
from gridbee.core.tests.browsing import open_page
from gridbee.core.tests.serving import served_in_a_thread
from gridbee.geo.tests import layers
from gridbee.reports.actions import Sender, submit_report
from gridbee.reports.tests import images

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(live_county, settings):
    settings.REDIS_URL = ""  # one process: the in-process fan-out reaches the server thread
    return live_county


@pytest.fixture
def asgi_server(county):
    with served_in_a_thread() as url:
        yield url


def screenshot(page, name: str) -> None:
    """Set GRIDBEE_SCREENSHOT_DIR to keep screenshots of the pages visited."""
    if folder := os.environ.get("GRIDBEE_SCREENSHOT_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.wait_for_timeout(300)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def logged_in_page(chromium_browser, base_url: str, user, viewport=None, **options):
    """A desktop-sized page by default: the console is an office screen."""
    options.setdefault("service_workers", "allow")
    viewport = viewport or {"width": 1280, "height": 900}
    return open_page(chromium_browser, base_url, user, viewport=viewport, **options)


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
        assert live._local_log.watchers(f"case:{case.pk}") == 1
    finally:
        page.context.close()
    # The browser went away: the server noticed and dropped the subscription.
    deadline = time.monotonic() + 5
    while live._local_log.watchers(f"case:{case.pk}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live._local_log.watchers(f"case:{case.pk}") == 0


# Inside 凤山第1网格 of the fixture county, where the partners work.
PLACE = {"latitude": layers.Y0 + 0.005, "longitude": layers.X0 + 0.005, "accuracy": 10}
PHONE = {"width": 390, "height": 844}


def phone_page(chromium_browser, base_url, user):
    return logged_in_page(
        chromium_browser, base_url, user, viewport=PHONE, geolocation=PLACE,
        permissions=["geolocation"], service_workers="block",
    )  # fmt: skip


def take(page, action: str, **fields) -> None:
    """Submit the step form of the case page for this action."""
    form = page.locator(f'.step-form[data-action="{action}"]')
    for name, value in fields.items():
        if name == "photos":
            form.locator('input[name="photos"]').set_input_files(value)
        elif name == "department_code":
            form.locator("select[name=department_code]").select_option(value)
        else:
            form.locator(f'[name="{name}"]').fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator(".msg-success")).to_be_visible()


def test_the_closed_loop_from_report_to_rating_live(
    chromium_browser, asgi_server, county, tmp_path
):
    """A partner reports on the report page; an operator accepts and dispatches in the console; the
    department signs for it and uploads the result; another partner passing by photographs it;
    the operator verifies and closes it; the reporter watches every step arrive on their case
    page without a reload, then rates the result."""
    from gridbee.cases.models import CrowdCheck
    from gridbee.cases.tests.test_crowd import enrol

    result = tmp_path / "result.jpg"
    result.write_bytes(images.jpeg(800, 600))
    reporter, errors = phone_page(chromium_browser, asgi_server, county.partner_user)
    pages = [reporter]
    try:
        # 1. The partner reports with a photo, where they stand.
        reporter.goto(f"{asgi_server}/report/")
        expect(reporter.locator("#location-status")).to_have_attribute("data-state", "located")
        reporter.set_input_files("#photo-camera", str(result))
        expect(reporter.locator("#photo-previews .preview img")).to_have_count(1)
        reporter.locator('label[data-category="overflowing_bins"]').click()
        reporter.locator("#send").click()
        expect(reporter.locator('#outcomes .outcome[data-kind="sent"]')).to_be_visible()
        case = Case.objects.get()
        reporter.goto(f"{asgi_server}/report/case/{case.pk}/")
        expect(reporter.locator("body")).to_have_attribute("data-live", "open")
        reporter.evaluate("window.__sameDocument = true")
        timeline = reporter.locator("#timeline")

        def arrives(kind: str) -> None:
            expect(timeline.locator(f'[data-kind="{kind}"]')).to_have_count(1)

        # 2. The operator accepts and dispatches it in the console.
        operator, operator_errors = logged_in_page(chromium_browser, asgi_server, county.operator)
        pages.append(operator)
        operator.goto(f"{asgi_server}/console/")
        operator.locator(f'#queue [data-case-id="{case.pk}"] a').click()
        take(operator, "accept")
        arrives("accept")
        take(operator, "dispatch", department_code="cgj")
        arrives("dispatch")
        expect(timeline.locator('.case-state [data-status="dispatched"]')).to_be_visible()

        # 3. The department signs for it and reports the result with a photo.
        handler, handler_errors = logged_in_page(
            chromium_browser, asgi_server, county.department_user
        )
        pages.append(handler)
        handler.goto(f"{asgi_server}/department/")
        handler.locator(f'[data-section="pending"] [data-case-id="{case.pk}"] a').click()
        take(handler, "sign")
        arrives("sign")
        take(handler, "handle", note="已清运", photos=str(result))
        arrives("handle")
        expect(timeline.locator('[data-kind="handle"] .photos img')).to_have_count(1)

        # 4. Another partner passing by photographs the result.
        checker = enrol(county, county.submitted)
        passer, passer_errors = phone_page(chromium_browser, asgi_server, checker.user)
        pages.append(passer)
        passer.goto(f"{asgi_server}/checks/")
        offer = passer.locator(f'.crowd-offer[data-case-id="{case.pk}"]')
        expect(offer.locator("[data-distance]")).to_have_attribute("data-near", "true")
        screenshot(passer, "crowd-checks")
        offer.locator('input[name="photo"]').set_input_files(str(result))
        offer.locator("button[type=submit]").click()
        expect(passer.locator(".msg-success")).to_be_visible()
        expect(passer.locator(".crowd-offer")).to_have_count(0)
        arrives("crowd_check")

        # 5. The operator sees the photo next to the verify buttons and closes the case.
        operator.reload()
        expect(operator.locator(".crowd-evidence img")).to_be_visible()
        screenshot(operator, "console-case-crowd-evidence")
        take(operator, "verify_pass")
        arrives("verify_pass")
        expect(timeline.locator('.case-state [data-status="closed"]')).to_be_visible()
        assert CrowdCheck.objects.get().outcome == "passed"
        assert reporter.evaluate("window.__sameDocument") is True  # every step came live
        screenshot(reporter, "reporter-case-closed")

        # 6. The reporter rates the result with the form that arrived with the closure.
        reporter.locator('.rate-form input[value="fairly"]').check()
        reporter.locator(".rate-form button[type=submit]").click()
        expect(reporter.locator('[data-rating="fairly"]')).to_be_visible()
        case.refresh_from_db()
        assert (case.status, case.rating) == ("closed", "fairly")
        assert errors == operator_errors == handler_errors == passer_errors == []
    finally:
        for page in pages:
            page.context.close()
