"""The whole story in a real Chromium: the operator publishes; a partner whose position is
inside the radius sees the banner live on the report page, a partner outside does not; the
first sends a sighting with a photo; the operator sees it live and marks it useful (points
credited); the operator closes as found; the partner gets the all-clear and the photo is gone
from the pages and the API."""

import pytest
from playwright.sync_api import expect

from gridbee.alerts.models import Alert, Sighting
from gridbee.cases.tests.test_browser import (  # noqa: F401
    asgi_server,
    county,
    logged_in_page,
    phone_page,
    screenshot,
)
from gridbee.reports.tests.images import jpeg
from gridbee.rewards.models import PointsEntry

from .helpers import LAST_SEEN, partner_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_publish_banner_sighting_useful_close_all_clear(
    chromium_browser,
    asgi_server,  # noqa: F811
    county,  # noqa: F811
    tmp_path,
):
    outside = partner_at(county, 7, LAST_SEEN[0] + 0.3, LAST_SEEN[1])  # ~33 km away
    photo = tmp_path / "person.jpg"
    photo.write_bytes(jpeg(640, 480, gps=False))
    seen = tmp_path / "seen.jpg"
    seen.write_bytes(jpeg(640, 480, gps=False, colour=(40, 90, 200)))

    near_page, near_errors = phone_page(chromium_browser, asgi_server, county.partner_user)
    far_page, _ = phone_page(chromium_browser, asgi_server, outside.user)
    operator, errors = logged_in_page(chromium_browser, asgi_server, county.operator)
    try:
        for page in (near_page, far_page):
            page.goto(f"{asgi_server}/report/")
            expect(page.locator("#alert-banner")).to_have_attribute("data-live", "open")
            expect(page.locator("#alert-banner")).to_be_hidden()

        operator.goto(f"{asgi_server}/console/alerts/")
        form = operator.locator("#publish-form")
        form.locator("#photos").set_input_files(str(photo))
        form.locator("#person_name").fill("刘小红")
        form.locator("#description").fill("女孩, 7岁, 红色外套")
        form.locator("#lat").fill(str(LAST_SEEN[0]))
        form.locator("#lon").fill(str(LAST_SEEN[1]))
        form.locator("#publish").click()
        expect(operator.locator("#alert-status")).to_have_attribute("data-status", "active")
        alert = Alert.objects.get()

        banner = near_page.locator("#alert-banner")
        expect(banner).to_be_visible()
        expect(banner).to_have_attribute("data-state", "active")
        expect(banner.locator(".alert-banner-photo")).to_be_visible()
        expect(banner).to_contain_text("刘小红")
        screenshot(near_page, "alert-banner")
        far_page.wait_for_timeout(500)
        expect(far_page.locator("#alert-banner")).to_be_hidden()

        banner.locator("a").click()
        expect(near_page.locator(".partner-alert")).to_have_attribute("data-active", "yes")
        near_page.locator("#sighting-photo").set_input_files(str(seen))
        near_page.locator("#sighting-text").fill("河边步道, 往北走")
        near_page.locator("#sighting-send").click()
        expect(near_page.locator("#sighting-status")).not_to_be_empty()
        expect(operator.locator("#sightings [data-sighting]")).to_have_count(1)
        sighting = Sighting.objects.get()
        assert sighting.partner == county.partner and sighting.text == "河边步道, 往北走"
        expect(operator.locator("#alert-counts [data-count=seen]")).to_have_text("1")
        screenshot(operator, "alert-console")

        operator.locator('#sightings [data-mark="useful"]').click()
        expect(operator.locator('#sightings [data-useful="yes"]')).to_have_count(1)
        assert PointsEntry.objects.filter(partner=county.partner, kind="alert").count() == 1

        photo_url = f"{asgi_server}/alerts/photos/{alert.photos.get().pk}/"
        assert near_page.request.get(photo_url).status == 200
        operator.locator("#outcome").select_option("found")
        operator.locator("#note").fill("已找到, 家人接回")
        operator.locator("#close-alert").click()
        expect(operator.locator("#alert-status")).to_have_attribute("data-status", "found")

        expect(near_page.locator("#alert-banner")).to_have_attribute("data-state", "ended")
        expect(near_page.locator(".partner-alert img")).to_have_count(0)
        near_page.reload()
        expect(near_page.locator("#alert-ended")).to_be_visible()
        assert "刘小红" not in near_page.content()
        assert near_page.request.get(photo_url).status == 404
        answer = near_page.request.get(f"{asgi_server}/api/alerts/near/{alert.pk}").json()
        assert answer["active"] is False and answer["person_name"] is None
        assert answer["photo_urls"] == []
        assert near_page.request.get(f"{asgi_server}/api/alerts/near").json() == []
        assert errors == [] and near_errors == []
    finally:
        for page in (near_page, far_page, operator):
            page.context.close()
