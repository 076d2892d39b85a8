"""Nearest open stations from a position. A bounding box around it, widened step by step, reads
the few candidates through the (lat, lon) index; each is measured exactly (haversine), and a
result counts only once the box's inscribed circle holds it, so a farther station never hides
a nearer one. Walking distance is the straight line × WALK_FACTOR (streets are not straight;
no road network here), walked at WALK_M_PER_MIN."""

import json
import math
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from . import hours
from .choices import Service
from .models import ServicePoint

EARTH_M = 6_371_008.8
WALK_FACTOR = 1.3
WALK_M_PER_MIN = 75.0  # 4.5 km/h
STEPS_M = (10_000, 40_000, 150_000, 600_000)
FIELDS = (
    "id", "name", "kind", "services", "hours", "open_24h", "address", "contact", "lat", "lon",
    "last_checked", "county_id", "station_id", "code", "active",
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
    open at `at` (now) when `open_now`. Each step reads only ids and places (the service as a
    bit of services_mask, in SQL); the hours are read for the nearest candidates only."""
    at = timezone.localtime(at)
    bit = service_bit(service) if service else 0
    chosen: list[tuple[float, int, bool]] = []
    for radius in STEPS_M:
        places = _in_box(box(lat, lon, radius), bit)
        ranked = sorted(
            (distance_m(lat, lon, a, b), pk, all_day, raw) for pk, a, b, all_day, raw in places
        )
        last = radius == STEPS_M[-1]
        inside = ranked if last else [r for r in ranked if r[0] <= radius]
        if len(inside) < limit and not last:
            continue
        chosen = []
        for d, pk, all_day, raw in inside:
            is_open = all_day or hours.is_open(_decoded(raw), False, at)
            if is_open or not open_now:
                chosen.append((d, pk, is_open))
                if len(chosen) >= limit:
                    break
        if len(chosen) >= limit or last:
            break
    chosen = chosen[:limit]
    rows = {
        r["id"]: r
        for r in ServicePoint.objects.filter(pk__in=[pk for _d, pk, _o in chosen])
        .order_by()
        .values(*FIELDS)
    }
    found = []
    for d, pk, is_open in chosen:
        walk = d * WALK_FACTOR
        found.append(Found(rows[pk], d, walk, max(1, round(walk / WALK_M_PER_MIN)), is_open))
    return found


def service_bit(service: str) -> int:
    return 1 << Service.values.index(service)


def services_mask(services) -> int:
    mask = 0
    for service in services:
        if service in Service.values:
            mask |= service_bit(service)
    return mask


def _decoded(raw) -> dict:
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _in_box(bounds: dict, bit: int) -> list[tuple]:
    """(id, lat, lon, open_24h, hours as stored) of the active stations in the box offering
    the service bit: one statement through the (lat, lon) index, written out because the
    ORM's compiling would cost more than the query on every search."""
    table = ServicePoint._meta.db_table
    sql = (
        f"SELECT id, lat, lon, open_24h, hours FROM {table} "
        "WHERE lat >= %s AND lat <= %s AND lon >= %s AND lon <= %s AND active"
        + (" AND (services_mask & %s) = %s" if bit else "")
    )
    params = [bounds["lat__gte"], bounds["lat__lte"], bounds["lon__gte"], bounds["lon__lte"]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params + ([bit, bit] if bit else []))
        return cursor.fetchall()
