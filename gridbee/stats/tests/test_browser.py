"""The dashboards in a real Chromium: a reviewer goes from the overview to the league table of
departments, to the cases behind one department's number, to a case's page; the large screen
(大屏) shows a case closing without a reload. Under uvicorn (the live stream needs ASGI)."""

import pytest
from playwright.sync_api import expect

from gridbee.cases import workflow
from gridbee.cases.tests.test_browser import logged_in_page
from gridbee.cases.tests.test_workflow import bring
from gridbee.core.tests.serving import served_in_a_thread
from gridbee.stats.defaults import ensure_indicators

from .scoping import MARCH, month_of_history

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(live_county, settings):
    settings.REDIS_URL = ""  # one process: the in-process fan-out reaches the server thread
    ensure_indicators()  # a transactional test before this one flushed the seeded rows
    return live_county


@pytest.fixture
def asgi_server(county):
    with served_in_a_thread() as url:
        yield url


def test_overview_league_drill_down_and_case_page(chromium_browser, asgi_server, county):
    month_of_history(county)
    page, errors = logged_in_page(chromium_browser, asgi_server, county.reviewer)
    try:
        page.goto(f"{asgi_server}/stats/?period={MARCH}")
        expect(page.locator('#overview tr[data-indicator="on_time_rate"] td').first).to_have_text(
            "86.67%", timeout=20_000
        )
        expect(page.locator("#trend-chart")).to_have_attribute("data-ready", "1", timeout=20_000)
        page.locator('a[data-league="department"]').click()
        row = page.locator(f'#league tr[data-key="{county.department.pk}"]')
        expect(row.locator("th")).to_have_text("城管局")
        expect(page.locator("#league tbody tr").first.locator("th")).to_have_text("水务局")
        # 城管局's 应结案数 (the first league column) → the ten cases behind it.
        row.locator("a.drill").first.click()
        expect(page.locator("#drill-count")).to_have_text("10")
        first = page.locator("#drill a.case-link").first
        case_id = first.inner_text().lstrip("#")
        first.click()
        expect(page).to_have_url(f"{asgi_server}/console/cases/{case_id}/")
        assert errors == []
    finally:
        page.context.close()


def test_the_large_screen_shows_a_case_closing_live(chromium_browser, asgi_server, county):
    case = bring(county, "handled")
    page, errors = logged_in_page(chromium_browser, asgi_server, county.operator)
    try:
        page.goto(f"{asgi_server}/stats/screen/")
        closed = page.locator('#screen-today [data-code="closed"] strong')
        page.wait_for_selector("#screen[data-loaded]", state="attached", timeout=90_000)
        expect(closed).to_have_text("0", timeout=40_000)  # a busy machine loads slowly
        expect(page.locator("#screen-live")).to_have_class("live-dot on", timeout=20_000)
        workflow.act(case.pk, "verify_pass", actor=county.operator)
        expect(closed).to_have_text("1", timeout=20_000)  # no reload: the stream said so
        expect(page.locator('#screen-today [data-code="close_rate"] strong')).to_have_text(
            "100.00%"
        )
        assert errors == []
    finally:
        page.context.close()


def test_the_export_streams_from_the_asgi_server_and_reads_back(asgi_server, county):
    import csv
    import io
    import urllib.request

    from django.test import Client

    month_of_history(county)
    client = Client()
    client.force_login(county.reviewer)
    request = urllib.request.Request(
        f"{asgi_server}/stats/cases.csv?period={MARCH}&indicator=due",
        headers={"Cookie": f"sessionid={client.cookies['sessionid'].value}"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.headers["Content-Type"] == "text/csv"
        assert answer.headers.get("Content-Length") is None  # streamed, not buffered whole
        rows = list(csv.DictReader(io.StringIO(answer.read().decode("utf-8-sig"))))
    assert {int(r["id"]) for r in rows} == set(county.history)
