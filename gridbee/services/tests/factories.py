"""Stations, activities and more partners for the services tests, made through the actions."""

import datetime

from django.utils import timezone

from gridbee.geo.tests import layers
from gridbee.people import actions as people_actions
from gridbee.people.demo import id_check_character
from gridbee.people.tests import county as county_module
from gridbee.services import actions_activities, actions_stations

LAT, LON = layers.Y0 + 0.005, layers.X0 + 0.005  # inside grid 001 of community 1
ALL_DAY = dict.fromkeys(map(str, range(1, 8)), "00:00-24:00")


def station(county, name="暖新驿站", *, lat=LAT, lon=LON, services=("water",), hours=None,
            open_24h=False, code="", **extra):  # fmt: skip
    data = {"name": name, "kind": "warm_home", "services": list(services),
            "hours": ALL_DAY if hours is None else hours, "open_24h": open_24h,
            "lat": lat, "lon": lon, "code": code, **extra}  # fmt: skip
    return actions_stations.save_station(data, actor=county.operator)


def activity(county, *, starts_in=datetime.timedelta(minutes=10), minutes=120, capacity=10,
             recurrence="", points=None, lat=LAT, lon=LON, radius_m=200, **extra):  # fmt: skip
    now = timezone.now()
    start = now + starts_in
    data = {"title": "爱骑日", "kind": "riding_day", "lat": lat, "lon": lon, "radius_m": radius_m,
            "starts_at": start, "ends_at": start + datetime.timedelta(minutes=minutes),
            "capacity": capacity, "signup_opens_at": now - datetime.timedelta(days=1),
            "signup_closes_at": start + datetime.timedelta(minutes=minutes),
            "points": points, "recurrence": recurrence, **extra}  # fmt: skip
    return actions_activities.publish(data, actor=county.operator)[0]


def partners(county, n: int, offset: int = 0) -> list:
    """n more partners of the fixture's station, enrolled through the real steps (with a
    ready-made password hash: argon2 per partner would cost seconds)."""
    made = []
    for i in range(offset, offset + n):
        first17 = f"52273119900101{i:03d}"
        application = people_actions.submit_application(
            name=f"骑手{i}", mobile=f"1360000{i:04d}",
            id_number=first17 + id_check_character(first17), password_hash="!unusable",
            station_id=county.station.pk, work_area="城区",
            grid_codes=[county_module.GRID_1], accepted_rules=True,
        )  # fmt: skip
        people_actions.act_on_application(application.pk, "recommend", actor=county.station_user)
        approved = people_actions.act_on_application(
            application.pk, "approve", actor=county.reviewer
        )
        made.append(approved.partner)
    return made
