"""What the alert tests share: partners placed where a test needs them, an alert published
through the real action."""

import datetime

from django.utils import timezone

from gridbee.alerts import actions, positions
from gridbee.alerts.choices import AlertKind, PositionSource
from gridbee.cases.choices import Channel
from gridbee.cases.models import LinkageChannel
from gridbee.geo.tests import layers
from gridbee.people.choices import Role
from gridbee.people.models import Industry, Partner, User
from gridbee.reports.tests.images import jpeg

# The fixture county: offsets 0–0.02 N, 0–0.04 E from (26.10 N, 106.60 E); 0.01° ≈ 1 km.
LAST_SEEN = (layers.Y0 + 0.005, layers.X0 + 0.012)


def photo() -> bytes:
    return jpeg(320, 240, gps=False)


def partner_at(county, n: int, lat=None, lon=None, county_code=layers.COUNTY) -> Partner:
    user = User.objects.create_user(f"1360000{n:04d}", "x-password-2026", name=f"骑手{n}")
    partner = Partner.objects.create(
        user=user,
        name=f"骑手{n}",
        id_number="522731199001010014",
        industry=Industry.objects.get(code="courier"),
        station=county.station,
        county_id=county_code,
    )
    assert user.role == Role.PARTNER
    if lat is not None:
        positions.record(partner.pk, lat, lon, PositionSource.APP)
    return partner


def publish(county, now=None, **overrides):
    now = now or timezone.now()
    fields = {
        "actor": county.operator,
        "kind": AlertKind.MISSING_CHILD,
        "person_name": "刘小红",
        "description": "男孩, 6岁, 蓝色上衣",
        "contact": "110",
        "lat": LAST_SEEN[0],
        "lon": LAST_SEEN[1],
        "last_seen_at": now,
        "expires_at": now + datetime.timedelta(hours=6),
        "photos": [photo()],
        "now": now,
    }
    fields.update(overrides)
    return actions.publish(**fields)


def make_police(county, department=None) -> None:
    """The fixture's department (or the one given) answers its county's 警情 channel: the
    police, who publish missing-person alerts."""
    department = department or county.department
    LinkageChannel.objects.update_or_create(
        county_id=department.county_id,
        channel=Channel.POLICE,
        defaults={"department": department},
    )
