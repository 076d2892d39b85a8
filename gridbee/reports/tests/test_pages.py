"""The report pages: 随手拍 for enrolled partners only, my reports (one's own, nobody else's),
and the service worker served inside /report/ so its scope covers the pages."""

import json
import re

import pytest
from django.urls import reverse

from gridbee.geo.tests import layers
from gridbee.people import actions as people_actions
from gridbee.reports.actions import Sender, submit_report
from gridbee.reports.models import Category
from gridbee.site.tests.test_pages import outside_references

from . import images

IN_GRID_1 = (layers.Y0 + 0.005, layers.X0 + 0.005)


def html_of(response) -> str:
    return response.content.decode()


def config_of(html: str) -> dict:
    found = re.search(r'<script id="report-config" type="application/json">(.*?)</script>', html)
    assert found, "the page carries its settings for report.js"
    return json.loads(found.group(1))


def report_as(partner, *, key: str, category="overflowing_bins", text="") -> dict:
    answer, created = submit_report(
        Sender.of_partner(partner),
        idempotency_key=key,
        category_code=category,
        lat=IN_GRID_1[0],
        lon=IN_GRID_1[1],
        text=text,
        photos=[images.jpeg(640, 480)],
    )
    assert created
    return answer


def second_partner(county):
    """The application waiting at county review, approved: another partner of the county."""
    people_actions.act_on_application(county.recommended.pk, "approve", actor=county.reviewer)
    county.recommended.refresh_from_db()
    return county.recommended.partner


def test_the_report_page_shows_the_camera_the_map_and_every_category(client, county):
    client.force_login(county.partner_user)
    response = client.get(reverse("report"))
    html = html_of(response)
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in html
    assert "<h1>随手拍</h1>" in html
    # A camera button and a gallery button, 1–3 photos.
    assert re.search(r'<input type="file" id="photo-camera"[^>]*accept="image/\*"', html)
    assert 'capture="environment" multiple' in html
    assert re.search(r'<input type="file" id="photo-gallery"[^>]*multiple', html)
    assert 'id="report-map"' in html and 'id="location-accuracy"' in html
    # Every active category as a tile with its icon; emergencies marked as such.
    categories = list(Category.objects.filter(active=True))
    assert len(categories) > 10
    for category in categories:
        assert f'value="{category.code}"' in html
        assert category.name in html and category.icon in html
    assert 'data-category="trapped_in_lift" data-urgency="emergency"' in html
    assert 'class="cat cat-emergency"' in html
    assert 'data-category="overflowing_bins" data-urgency="ordinary"' in html
    assert 'id="send"' in html
    # The script's settings: the intake API, the worker, who sends, and translated words.
    config = config_of(html)
    assert config["reportsUrl"] == "/api/reports"
    assert config["swUrl"] == "/report/sw.js" and config["swScope"] == "/report/"
    assert config["user"] == county.partner_user.pk
    assert config["maxPhotos"] == 3 and config["photoMaxEdge"] == 2048
    assert config["statuses"]["reported"] == "已上报"
    assert config["categories"]["overflowing_bins"] == {"name": "垃圾桶满溢", "icon": "🗑"}
    assert config["csrfToken"]
    # The map opens on the partner's first bound grid until the phone has a fix.
    assert abs(config["center"]["lat"] - (layers.Y0 + 0.005)) < 1e-9
    assert abs(config["center"]["lon"] - (layers.X0 + 0.01)) < 1e-9


def test_the_report_pages_load_nothing_from_outside(client, county):
    client.force_login(county.partner_user)
    report_as(county.partner, key="k-1")
    for name in ("report", "my-reports"):
        html = html_of(client.get(reverse(name)))
        assert outside_references(html) == [], name
        assert "/static/vendor/leaflet/leaflet.js" in html or name == "my-reports"


def test_inactive_categories_are_not_offered(client, county):
    Category.objects.filter(code="illegal_ads").update(active=False)
    client.force_login(county.partner_user)
    html = html_of(client.get(reverse("report")))
    assert 'value="illegal_ads"' not in html
    assert 'value="overflowing_bins"' in html


@pytest.mark.parametrize(
    "role", ["operator", "department", "reviewer", "station", "team_lead", "admin"]
)
def test_people_who_are_not_partners_see_why_they_cannot_report(client, county, role):
    client.force_login(county.users[role])
    for name in ("report", "my-reports"):
        response = client.get(reverse(name))
        html = html_of(response)
        assert response.status_code == 403, name
        assert "只有已入队的流动网格员才能上报。" in html
        assert 'id="report-form"' not in html and 'id="report-list"' not in html


def test_a_suspended_partner_is_told_so_but_still_sees_their_reports(client, county):
    report_as(county.partner, key="k-1")
    people_actions.change_partner_status(
        county.partner.pk, "suspend", actor=county.reviewer, reason="inactivity"
    )
    county.partner_user.refresh_from_db()  # the suspension ended their logins: a new one
    client.force_login(county.partner_user)
    response = client.get(reverse("report"))
    assert response.status_code == 403
    assert "您的网格员身份已暂停或撤销，暂不能上报。" in html_of(response)
    assert 'id="report-form"' not in html_of(response)
    mine = client.get(reverse("my-reports"))
    assert mine.status_code == 200
    assert html_of(mine).count('class="report-item') == 1


def test_anonymous_visitors_are_sent_to_log_in(client, county):
    for name in ("report", "my-reports"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={reverse(name)}"


def test_my_reports_lists_my_own_reports_only_with_status_and_first_report(client, county):
    other = second_partner(county)
    first = report_as(county.partner, key="mine-1", text="北门垃圾桶满了")
    # The other partner reports the same bins next: their report joins my case (非首报).
    theirs = report_as(other, key="theirs-1", text="别人的上报")
    assert theirs["case"]["id"] == first["case"]["id"] and not theirs["first_report"]
    later = report_as(county.partner, key="mine-2", category="fire_hazard")

    client.force_login(county.partner_user)
    response = client.get(reverse("my-reports"))
    html = html_of(response)
    assert response.status_code == 200
    assert "<h1>我的上报</h1>" in html
    ids = [int(i) for i in re.findall(r'data-report-id="(\d+)"', html)]
    assert ids == [later["report_id"], first["report_id"]]  # newest first
    assert "别人的上报" not in html
    assert "北门垃圾桶满了" in html and "垃圾桶满溢" in html and "🗑" in html
    assert "火灾隐患" in html and "🔥" in html
    assert html.count('data-status="reported"') >= 2
    assert "已上报" in html
    assert html.count('data-first="true"') == 2
    # Thumbnails come from the photo API, which shows a reporter their own photos.
    thumbs = re.findall(r'src="(/api/photos/\d+\?thumbnail=true)"', html)
    assert len(thumbs) == 2
    photo = client.get(thumbs[0])
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    # The queue of reports still on the phone is drawn above the list by report.js.
    assert 'id="pending-list"' in html and 'id="queue-bar"' in html
    assert config_of(html)["page"] == "mine"

    client.force_login(other.user)
    html = html_of(client.get(reverse("my-reports")))
    ids = [int(i) for i in re.findall(r'data-report-id="(\d+)"', html)]
    assert ids == [theirs["report_id"]]
    assert 'data-first="false"' in html


def test_my_reports_without_any_says_so(client, county):
    client.force_login(county.partner_user)
    html = html_of(client.get(reverse("my-reports")))
    assert 'id="no-reports"' in html
    assert "data-report-id" not in html


def test_my_reports_pages_through_many(client, county):
    for n in range(23):
        report_as(county.partner, key=f"k-{n}")
    client.force_login(county.partner_user)
    first = html_of(client.get(reverse("my-reports")))
    second = html_of(client.get(reverse("my-reports") + "?page=2"))
    assert first.count("data-report-id=") == 20
    assert second.count("data-report-id=") == 3
    assert 'href="?page=2"' in first


def test_the_service_worker_is_javascript_scoped_to_the_report_pages(client, db):
    response = client.get(reverse("report-sw"))  # anyone may fetch it: it holds no data
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/report/"
    assert "no-cache" in response["Cache-Control"]
    assert reverse("report-sw").startswith("/report/")
    body = response.content.decode()
    first_line, rest = body.split("\n", 1)
    settings = json.loads(first_line.removeprefix("self.GRIDBEE_SW = ").removesuffix(";"))
    assert settings["scope"] == "/report/"
    assert settings["pages"] == ["/report/", "/report/mine/"]
    assert settings["queueScript"] == "/static/gridbee/report-queue.js"
    assert "/static/gridbee/report.js" in settings["assets"]
    assert "/static/gridbee/report-status.js" in settings["assets"]
    assert "/static/vendor/leaflet/leaflet.js" in settings["assets"]
    assert re.fullmatch(r"[0-9a-f]{16}", settings["version"])
    assert "importScripts(CFG.queueScript)" in rest
    assert 'addEventListener("sync"' in rest
    assert "http://" not in body and "https://" not in body
    assert client.post(reverse("report-sw")).status_code == 405


def test_the_worker_version_is_stable_between_requests(client, db):
    first = client.get(reverse("report-sw")).content.decode().split("\n", 1)[0]
    second = client.get(reverse("report-sw")).content.decode().split("\n", 1)[0]
    assert first == second


def test_english_pages_say_it_in_english(client, county):
    client.force_login(county.partner_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = html_of(client.get(reverse("report")))
    assert '<html lang="en"' in html
    assert "<h1>Snap and report</h1>" in html
    assert config_of(html)["statuses"]["reported"] == "Reported"
