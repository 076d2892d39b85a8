import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone

from gridbee.alerts import actions
from gridbee.alerts.choices import AlertStatus
from gridbee.alerts.models import Sighting, Told
from gridbee.core.errors import DomainError
from gridbee.rewards.models import PointsEntry

from .helpers import LAST_SEEN, partner_at, photo, publish

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def send(c: Client, alert_id, key="k1", **extra):
    body = {"lat": LAST_SEEN[0], "lon": LAST_SEEN[1], "photo": io.BytesIO(photo()), **extra}
    return c.post(f"/api/alerts/{alert_id}/sightings", body, headers={"Idempotency-Key": key})


def test_a_sighting_is_sent_exactly_once(county):
    alert = publish(county)
    partner = client(county.partner_user)
    first = send(partner, alert.pk, text="看到了")
    again = send(partner, alert.pk, text="看到了")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Sighting.objects.count() == 1
    other = send(partner, alert.pk, text="另一条")
    assert other.status_code == 422
    assert other.json()["code"] == "alerts.idempotency_key_reused"
    no_key = partner.post(
        f"/api/alerts/{alert.pk}/sightings",
        {"lat": LAST_SEEN[0], "lon": LAST_SEEN[1], "photo": io.BytesIO(photo())},
    )
    assert no_key.json()["code"] == "alerts.idempotency_key_required"


def test_only_partners_told_may_send_and_bad_input_is_refused(county):
    alert = publish(county)
    far = partner_at(county, 9, LAST_SEEN[0] + 0.5, LAST_SEEN[1])
    assert send(client(far.user), alert.pk).json()["code"] == "alerts.not_found"
    partner = client(county.partner_user)
    bad = send(partner, alert.pk, key="k2", lat=91)
    assert bad.status_code == 400 and bad.json()["code"] == "geo.coordinates_out_of_range"
    not_photo = partner.post(
        f"/api/alerts/{alert.pk}/sightings",
        {"lat": LAST_SEEN[0], "lon": LAST_SEEN[1], "photo": io.BytesIO(b"text")},
        headers={"Idempotency-Key": "k3"},
    )
    assert not_photo.json()["code"] == "reports.not_an_image"
    assert not Sighting.objects.exists()


def test_close_sightings_are_grouped(county):
    near = partner_at(county, 1, LAST_SEEN[0] + 0.001, LAST_SEEN[1])
    alert = publish(county)
    a, _ = actions.submit_sighting(
        county.partner, alert.pk, idempotency_key="a", lat=LAST_SEEN[0], lon=LAST_SEEN[1],
        photo=photo(),
    )  # fmt: skip
    b, _ = actions.submit_sighting(
        near, alert.pk, idempotency_key="b", lat=LAST_SEEN[0] + 0.001, lon=LAST_SEEN[1],
        photo=photo(),
    )  # fmt: skip
    c, _ = actions.submit_sighting(
        near, alert.pk, idempotency_key="c", lat=LAST_SEEN[0] + 0.01, lon=LAST_SEEN[1],
        photo=photo(),
    )  # fmt: skip
    assert a.group is None and b.group_id == a.pk and c.group is None


def test_useful_sighting_earns_the_alerts_points_once(county):
    alert = publish(county)
    sighting, _ = actions.submit_sighting(
        county.partner, alert.pk, idempotency_key="a", lat=LAST_SEEN[0], lon=LAST_SEEN[1],
        photo=photo(),
    )  # fmt: skip
    second, _ = actions.submit_sighting(
        county.partner, alert.pk, idempotency_key="b", lat=LAST_SEEN[0], lon=LAST_SEEN[1],
        photo=photo(),
    )  # fmt: skip
    operator = client(county.operator)
    for pk in (sighting.pk, sighting.pk, second.pk):
        answer = operator.post(
            f"/api/alerts/sightings/{pk}/mark", {"useful": True}, content_type="application/json"
        )
        assert answer.status_code == 200 and answer.json()["useful"] is True
    entries = PointsEntry.objects.filter(partner=county.partner, kind="alert")
    assert entries.count() == 1
    far = client(county.far_reviewer)
    refused = far.post(
        f"/api/alerts/sightings/{pk}/mark", {"useful": False}, content_type="application/json"
    )
    assert refused.status_code == 403


def test_after_close_partners_see_nothing_of_the_person_and_staff_keep_it(county):
    alert = publish(county)
    partner, operator = client(county.partner_user), client(county.operator)
    [near] = partner.get("/api/alerts/near").json()
    assert near["person_name"] == "刘小红" and near["photo_urls"]
    photo_url = near["photo_urls"][0]
    seen = partner.get(photo_url)
    assert seen.status_code == 200 and "no-store" in seen["Cache-Control"]

    closed = operator.post(
        f"/api/alerts/{alert.pk}/close",
        {"outcome": "found", "note": "家人已接回"},
        content_type="application/json",
    )
    assert closed.status_code == 200 and closed.json()["status"] == AlertStatus.FOUND

    assert partner.get("/api/alerts/near").json() == []
    ended = partner.get(f"/api/alerts/near/{alert.pk}").json()
    assert ended["active"] is False and ended["status"] == "found"
    assert ended["person_name"] is None and ended["description"] is None
    assert ended["photo_urls"] == []
    assert partner.get(photo_url).status_code == 404
    assert "刘小红" not in partner.get(f"/api/alerts/near/{alert.pk}").content.decode()

    assert operator.get(photo_url).status_code == 200
    assert operator.get(f"/api/alerts/{alert.pk}").json()["person_name"] == "刘小红"
    assert alert.events.filter(action="photo_viewed", actor=county.operator).exists()
    assert not Told.objects.filter(alert=alert, all_clear_at__isnull=True).exists()


def test_closing_twice_or_with_a_bad_outcome_is_refused(county):
    alert = publish(county)
    with pytest.raises(DomainError) as refused:
        actions.close(alert.pk, actor=county.operator, outcome="expired")
    assert refused.value.code == "alerts.bad_outcome"
    actions.close(alert.pk, actor=county.operator, outcome="cancelled")
    with pytest.raises(DomainError) as refused:
        actions.close(alert.pk, actor=county.operator, outcome="found")
    assert refused.value.code == "alerts.not_active"
    with pytest.raises(DomainError) as refused:
        actions.update(
            alert.pk, actor=county.operator, expires_at=timezone.now() + datetime.timedelta(hours=1)
        )
    assert refused.value.code == "alerts.not_active"


def test_partners_cannot_list_or_search_alerts(county):
    publish(county)
    partner = client(county.partner_user)
    assert partner.get("/api/alerts").status_code == 403
    assert partner.get("/api/alerts?name=刘小红").status_code == 403
    outside = partner_at(county, 5, LAST_SEEN[0] + 0.5, LAST_SEEN[1])
    assert client(outside.user).get("/api/alerts/near").json() == []


def test_receipts_count_for_the_operator(county):
    alert = publish(county)
    partner = client(county.partner_user)
    for kind in ("delivered", "seen"):
        answer = partner.post(
            f"/api/alerts/{alert.pk}/receipts", {"kind": kind}, content_type="application/json"
        )
        assert answer.status_code == 204
    counts = client(county.operator).get(f"/api/alerts/{alert.pk}").json()["counts"]
    assert counts["told"] >= 1 and counts["reached"] == 1 and counts["seen"] == 1
