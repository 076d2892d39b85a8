"""Nearest open stations from a position. A bounding box around it, widened step by step, reads
the few candidates through the (lat, lon) index; each is measured exactly (haversine), and a
result counts only once the box's inscribed circle holds it, so a farther station never hides
a nearer one. Walking distance is the straight line × WALK_FACTOR (streets are not straight;
no road network here), walked at WALK_M_PER_MIN."""

import math
from dataclasses import dataclass

from django.utils import timezone

from . import hours
from .models import ServicePoint

EARTH_M = 6_371_008.8
WALK_FACTOR = 1.3
WALK_M_PER_MIN = 75.0  # 4.5 km/h
STEPS_M = (1_500, 5_000, 15_000, 50_000, 200_000)
FIELDS = (
    "id", "name", "kind", "services", "hours", "open_24h", "address", "contact", "lat", "lon",
    "last_checked", "county_id",
)  # fmt: skip


@dataclass
class Found:
    point: dict
    distance_m: float
    walk_m: float
    walk_minutes: int
    open_now: bool


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(min(1.0, math.sqrt(a)))


def box(lat: float, lon: float, radius_m: float) -> dict:
    dlat = math.degrees(radius_m / EARTH_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    return {
        "lat__gte": lat - dlat,
        "lat__lte": lat + dlat,
        "lon__gte": lon - dlon,
        "lon__lte": lon + dlon,
    }


def nearest(
    lat: float,
    lon: float,
    *,
    service: str = "",
    open_now: bool = True,
    limit: int = 5,
    at=None,
) -> list[Found]:
    """Up to `limit` active stations nearest to (lat, lon), offering `service` when given and
    open at `at` (now) when `open_now`."""
    at = timezone.localtime(at)
    found: list[Found] = []
    for radius in STEPS_M:
        rows = ServicePoint.objects.filter(active=True, **box(lat, lon, radius)).values(*FIELDS)
        found = []
        for row in rows:
            if service and service not in row["services"]:
                continue
            is_open = hours.is_open(row["hours"], row["open_24h"], at)
            if open_now and not is_open:
                continue
            d = distance_m(lat, lon, row["lat"], row["lon"])
            walk = d * WALK_FACTOR
            found.append(Found(row, d, walk, max(1, round(walk / WALK_M_PER_MIN)), is_open))
        found.sort(key=lambda f: f.distance_m)
        inside = [f for f in found if f.distance_m <= radius]
        if len(inside) >= limit:
            return inside[:limit]
    return found[:limit]
