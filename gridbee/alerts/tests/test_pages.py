import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone

from gridbee.alerts.models import Alert

from .helpers import LAST_SEEN, photo, publish

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_operator_publishes_from_the_console_form(county):
    operator = client(county.operator)
    assert operator.get("/console/alerts/").status_code == 200
    answer = operator.post(
        "/console/alerts/",
        {
            "kind": "missing_elder",
            "person_name": "王奶奶",
            "description": "80岁, 灰色外套",
            "contact": "0854-110",
            "last_seen_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "lat": str(LAST_SEEN[0]),
            "lon": str(LAST_SEEN[1]),
            "crs": "wgs84",
            "expires_hours": "6",
            "stages": "[[0, 2000], [30, 5000], [60, 10000], [120, null]]",
            "photos": io.BytesIO(photo()),
        },
    )
    alert = Alert.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/console/alerts/{alert.pk}/"
    assert alert.expires_at - timezone.now() < datetime.timedelta(hours=6, minutes=1)
    page = operator.get(answer["Location"]).content.decode()
    assert "王奶奶" in page and 'id="alert-map"' in page


def test_a_bad_console_form_is_answered_with_its_message_and_keeps_nothing(county):
    operator = client(county.operator)
    answer = operator.post(
        "/console/alerts/",
        {"kind": "missing_child", "description": "x", "lat": "95", "lon": "106.6",
         "expires_hours": "6", "last_seen_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
         "photos": io.BytesIO(photo())},
    )  # fmt: skip
    assert answer.status_code == 400 and not Alert.objects.exists()


def test_pages_are_refused_to_who_may_not_see_them(county):
    alert = publish(county)
    assert client(county.partner_user).get("/console/alerts/").status_code == 403
    assert client(county.far_reviewer).get(f"/console/alerts/{alert.pk}/").status_code == 403
    assert client(county.reviewer).get(f"/alerts/{alert.pk}/").status_code == 404


def test_partner_page_shows_the_person_until_the_close(county):
    alert = publish(county)
    partner = client(county.partner_user)
    page = partner.get(f"/alerts/{alert.pk}/")
    assert "刘小红" in page.content.decode() and page["Cache-Control"] == "private, no-store"
    client(county.operator).post(
        f"/console/alerts/{alert.pk}/close/", {"outcome": "found", "note": "ok"}
    )
    ended = partner.get(f"/alerts/{alert.pk}/").content.decode()
    assert "刘小红" not in ended and "蓝色" not in ended and "/alerts/photos/" not in ended


def test_every_partner_page_carries_the_banner_and_staff_pages_do_not(county):
    assert 'id="alert-banner"' in client(county.partner_user).get("/").content.decode()
    assert 'id="alert-banner"' not in client(county.operator).get("/").content.decode()


def test_the_operator_renews_an_alert_as_a_cap_update(county):
    alert = publish(county, expires_at=timezone.now() + datetime.timedelta(hours=1))
    operator = client(county.operator)
    answer = operator.post(
        f"/console/alerts/{alert.pk}/update/", {"expires_hours": "12", "note": "续期"}
    )
    assert answer.status_code == 302
    alert.refresh_from_db()
    assert alert.expires_at > timezone.now() + datetime.timedelta(hours=11)
    assert [m.msg_type for m in alert.messages.all()] == ["Alert", "Update"]
