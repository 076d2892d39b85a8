"""到场 in a real Chromium: the department's responder taps the arrival button on the department
page of a phone that knows where it is; the browser's location goes with the step."""

import pytest
from playwright.sync_api import expect

from gridbee.cases import workflow
from gridbee.cases.models import Case, CaseEvent
from gridbee.geo.tests import layers
from gridbee.reports.actions import Sender, submit_report
from gridbee.reports.tests import images

from .test_browser import PLACE, asgi_server, county, phone_page, screenshot  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_arrival_button_sends_where_the_responder_stands(
    chromium_browser,
    asgi_server,  # noqa: F811
    county,  # noqa: F811
):
    answer, _ = submit_report(
        Sender.of_partner(county.partner), idempotency_key="lift", category_code="trapped_in_lift",
        lat=layers.Y0 + 0.005, lon=layers.X0 + 0.005, photos=[images.jpeg(320, 240)],
    )  # fmt: skip
    case = Case.objects.get(pk=answer["case"]["id"])
    workflow.act(case.pk, "accept", actor=county.operator)
    workflow.act(case.pk, "dispatch", actor=county.operator, department_code="cgj")
    workflow.act(case.pk, "sign", actor=county.department_user)
    page, errors = phone_page(chromium_browser, asgi_server, county.department_user)
    try:
        page.goto(f"{asgi_server}/department/")
        row = page.locator(f'[data-section="signed"] [data-case-id="{case.pk}"]')
        button = row.locator('form[data-action="arrive"] button[type=submit]')
        expect(button).to_have_text("到场")
        screenshot(page, "department-arrive")
        button.click()
        expect(page.locator(".msg-success")).to_be_visible()
        expect(page.locator(".case-facts [data-status]")).to_have_attribute(
            "data-status", "on_scene"
        )
        expect(page.locator('#timeline [data-kind="arrive"]')).to_have_count(1)
        arrival = CaseEvent.objects.get(case=case, kind="arrive")
        assert round(arrival.lat, 6) == round(PLACE["latitude"], 6)
        assert round(arrival.lon, 6) == round(PLACE["longitude"], 6)
        assert arrival.accuracy_m == PLACE["accuracy"]
        assert errors == []
    finally:
        page.context.close()
