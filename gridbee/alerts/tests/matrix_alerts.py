"""Rows of the API role matrix (people/tests/test_api_matrix.py) for the alerts operations."""

import datetime
import io

from django.utils import timezone

from gridbee.alerts import actions
from gridbee.alerts.tests.helpers import LAST_SEEN, make_police, photo, publish
from gridbee.people.tests.matrix_base import LOGGED_IN, Op, only

# The fixture's department is made its county's police for these rows (make_police); any
# other department manages no alert (test_publish.py).
STAFF = ["operator", "admin", "department"]


def active_alert(county) -> None:
    """An alert near the fixture partner (bound to a grid within its first radius)."""
    make_police(county)
    county.alert = publish(county).pk


def with_sighting(county) -> None:
    active_alert(county)
    sighting, _ = actions.submit_sighting(
        county.partner,
        county.alert,
        idempotency_key="matrix-sighting",
        lat=LAST_SEEN[0],
        lon=LAST_SEEN[1],
        photo=photo(),
    )
    county.sighting = sighting.pk


def publish_body(county) -> dict:
    now = timezone.now()
    return {
        "kind": "missing_child",
        "person_name": "刘小红",
        "description": "男孩, 6岁",
        "lat": LAST_SEEN[0],
        "lon": LAST_SEEN[1],
        "last_seen_at": now.isoformat(),
        "expires_at": (now + datetime.timedelta(hours=6)).isoformat(),
        "photos": io.BytesIO(photo()),
    }


def sighting_body(county) -> dict:
    return {"lat": LAST_SEEN[0], "lon": LAST_SEEN[1], "photo": io.BytesIO(photo())}


NOT_PARTNERS = {role: 403 for role in LOGGED_IN if role != "partner"}

OPS: dict = {
    "alerts_publish": Op(
        "POST",
        "/api/alerts",
        only(201, STAFF),
        body=publish_body,
        multipart=True,
        prepare=make_police,
    ),
    "alerts_list": Op("GET", "/api/alerts", only(200, STAFF), prepare=active_alert),
    "alerts_near": Op("GET", "/api/alerts/near", only(200, LOGGED_IN), prepare=active_alert),
    "alerts_near_one": Op(
        "GET",
        "/api/alerts/near/{alert}",
        {**only(404, LOGGED_IN), "partner": 200},
        prepare=active_alert,
    ),
    "alerts_position": Op(
        "POST",
        "/api/alerts/position",
        {**NOT_PARTNERS, "partner": 204},
        body={"lat": LAST_SEEN[0], "lon": LAST_SEEN[1], "consent": True},
    ),
    "alerts_detail": Op("GET", "/api/alerts/{alert}", only(200, STAFF), prepare=active_alert),
    "alerts_update": Op(
        "POST",
        "/api/alerts/{alert}/update",
        only(200, STAFF),
        body={"note": "新线索"},
        prepare=active_alert,
    ),
    "alerts_close": Op(
        "POST",
        "/api/alerts/{alert}/close",
        only(200, STAFF),
        body={"outcome": "found", "note": "已找到"},
        prepare=active_alert,
    ),
    "alerts_cap": Op("GET", "/api/alerts/{alert}/cap", only(200, STAFF), prepare=active_alert),
    "alerts_sighting": Op(
        "POST",
        "/api/alerts/{alert}/sightings",
        {**NOT_PARTNERS, "partner": 201},
        body=sighting_body,
        multipart=True,
        prepare=active_alert,
    ),
    "alerts_receipt": Op(
        "POST",
        "/api/alerts/{alert}/receipts",
        {**NOT_PARTNERS, "partner": 204},
        body={"kind": "seen"},
        prepare=active_alert,
    ),
    "alerts_mark": Op(
        "POST",
        "/api/alerts/sightings/{sighting}/mark",
        only(200, STAFF),
        body={"useful": True},
        prepare=with_sighting,
    ),
}
PATH_PARAMETERS = {"{alert}": "{alert_id}", "{sighting}": "{sighting_id}"}
