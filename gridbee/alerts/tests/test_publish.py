import datetime

import pytest
from django.utils import timezone

from gridbee.alerts import actions
from gridbee.alerts.choices import AlertStatus
from gridbee.alerts.models import Alert, Told
from gridbee.core.errors import DomainError
from gridbee.core.models import OutboxMessage
from gridbee.geo.choices import Crs
from gridbee.geo.crs import wgs84_to_gcj02
from gridbee.geo.tests import layers
from gridbee.people.choices import Role
from gridbee.people.models import User
from gridbee.people.tests.county import OTHER_COUNTY

from .helpers import LAST_SEEN, make_police, partner_at, publish

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)


def told(alert) -> set[int]:
    return set(Told.objects.filter(alert=alert).values_list("partner_id", flat=True))


def test_stages_widen_and_tell_only_the_newly_covered(county):
    near = partner_at(county, 1, LAST_SEEN[0] + 0.005, LAST_SEEN[1])  # ~0.6 km
    middle = partner_at(county, 2, LAST_SEEN[0], LAST_SEEN[1] + 0.035)  # ~3.5 km
    far = partner_at(county, 3, LAST_SEEN[0], LAST_SEEN[1] + 0.08)  # ~8 km
    no_position = partner_at(county, 4)
    now = timezone.now()
    alert = publish(county, now=now)
    first = told(alert)
    assert near.pk in first and middle.pk not in first and far.pk not in first
    assert county.partner.pk in first  # bound to a grid whose centre lies within 2 km

    assert actions.sweep(now + 10 * MINUTE)["widened"] == 0
    assert actions.sweep(now + 31 * MINUTE)["widened"] == 1
    assert told(alert) == first | {middle.pk}
    assert Told.objects.get(alert=alert, partner=middle).stage == 1

    actions.sweep(now + 61 * MINUTE)
    assert far.pk in told(alert) and no_position.pk not in told(alert)
    actions.sweep(now + 121 * MINUTE)  # the whole county
    assert no_position.pk in told(alert)
    # Each told once, whatever the sweeps.
    assert Told.objects.filter(alert=alert).count() == len(told(alert))
    actions.sweep(now + 125 * MINUTE)
    assert Told.objects.filter(alert=alert).count() == len(told(alert))


def test_custom_stages_and_a_late_last_seen_start_wider(county):
    middle = partner_at(county, 2, LAST_SEEN[0], LAST_SEEN[1] + 0.035)
    now = timezone.now()
    alert = publish(
        county,
        now=now,
        last_seen_at=now - 45 * MINUTE,
        stages=[[0, 500], [40, 5000]],
    )
    assert alert.stage == 1 and middle.pk in told(alert)


def test_the_unreached_get_a_message_without_the_persons_details(county):
    near = partner_at(county, 1, LAST_SEEN[0] + 0.005, LAST_SEEN[1])
    now = timezone.now()
    alert = publish(county, now=now)
    actions.receipt(county.partner, alert.pk, "delivered", now=now)
    assert actions.sweep(now + 2 * MINUTE)["messaged"] == 1
    message = OutboxMessage.objects.get(recipient=near.user.mobile)
    assert "刘小红" not in message.body and "蓝色" not in message.body
    assert not OutboxMessage.objects.filter(recipient=county.partner_user.mobile).exists()
    assert actions.sweep(now + 3 * MINUTE)["messaged"] == 0


def test_expiry_ends_the_alert_and_clears_everyone(county):
    now = timezone.now()
    alert = publish(county, now=now, expires_at=now + datetime.timedelta(hours=1))
    assert actions.sweep(now + 61 * MINUTE)["expired"] == 1
    alert.refresh_from_db()
    assert alert.status == AlertStatus.EXPIRED
    assert not Told.objects.filter(alert=alert, all_clear_at__isnull=True).exists()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"photos": []}, "alerts.no_photo"),
        ({"lat": 95.0}, "geo.coordinates_out_of_range"),
        ({"lon": -181.0}, "geo.coordinates_out_of_range"),
        ({"expires_in": datetime.timedelta(hours=25)}, "alerts.expiry_invalid"),
        ({"expires_in": datetime.timedelta(minutes=-1)}, "alerts.expiry_invalid"),
        ({"expires_at": None}, "alerts.expiry_invalid"),
        ({"stages": [[5, 2000]]}, "alerts.stages_invalid"),
        ({"stages": [[0, 5000], [30, 2000]]}, "alerts.stages_invalid"),
        ({"stages": [[0, None], [30, 2000]]}, "alerts.stages_invalid"),
        ({"description": ""}, "alerts.text_invalid"),
        ({"photos": [b"not a photo"]}, "reports.not_an_image"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_kept(county, overrides, code):
    now = timezone.now()
    if "expires_in" in overrides:
        overrides["expires_at"] = now + overrides.pop("expires_in")
    with pytest.raises(DomainError) as refused:
        publish(county, now=now, **overrides)
    assert refused.value.code == code
    assert not Alert.objects.exists()


def test_staff_of_another_county_cannot_publish_here(county):
    far_operator = User.objects.create_user(
        "13900000024", "x-password-2026", role=Role.OPERATOR, region_id=OTHER_COUNTY
    )
    with pytest.raises(DomainError) as refused:
        publish(county, actor=far_operator)
    assert refused.value.code == "alerts.outside_county"
    with pytest.raises(DomainError) as refused:
        publish(county, actor=county.reviewer)
    assert refused.value.code == "auth.forbidden"


def test_a_place_in_gcj02_is_stored_as_wgs84(county):
    lon, lat = wgs84_to_gcj02(LAST_SEEN[1], LAST_SEEN[0])
    alert = publish(county, lat=lat, lon=lon, crs=Crs.GCJ02)
    assert alert.lat == pytest.approx(LAST_SEEN[0], abs=1e-5)
    assert alert.lon == pytest.approx(LAST_SEEN[1], abs=1e-5)


def test_the_county_police_publish_and_follow_their_alerts_other_departments_none(county):
    from django.test import Client
    from django.urls import reverse

    from gridbee.alerts.tests.matrix_alerts import publish_body
    from gridbee.people.models import Department

    police = Client()
    police.force_login(county.department_user)
    refused = police.post("/api/alerts", publish_body(county), headers={"Idempotency-Key": "a"})
    assert refused.status_code == 403 and refused.json()["code"] == "alerts.outside_county"
    assert police.get("/api/alerts").json() == [] and not Alert.objects.exists()
    console = reverse("alerts-console")
    assert console not in police.get("/").content.decode()

    make_police(county)
    assert console in police.get("/").content.decode()
    assert police.get(console).status_code == 200
    answer = police.post("/api/alerts", publish_body(county), headers={"Idempotency-Key": "b"})
    assert answer.status_code == 201, answer.content
    alert = Alert.objects.get()
    assert alert.published_by == county.department_user and alert.county_id == layers.COUNTY
    assert [a["id"] for a in police.get("/api/alerts").json()] == [alert.pk]
    closed = police.post(f"/api/alerts/{alert.pk}/close", {"outcome": "found"},
                         content_type="application/json")  # fmt: skip
    assert closed.status_code == 200

    # The police of another county serve theirs, not ours.
    far_police = Department.objects.create(county_id=OTHER_COUNTY, code="gaj", name="长顺县公安局")
    make_police(county, far_police)
    far = User.objects.create_user("13900000099", "x-password-2026", name="远公安",
                                   role=Role.DEPARTMENT, department=far_police)  # fmt: skip
    with pytest.raises(DomainError) as refusal:
        publish(county, actor=far)
    assert refusal.value.code == "alerts.outside_county"
    assert Alert.objects.count() == 1
