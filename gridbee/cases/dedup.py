"""Which open case a new report belongs to: same category, within the category's radius of
the case's place, reported within its window. Candidates come from H3 cells indexed in the
database (resolution 10, ~76 m edges), so the search stays a few index probes at a million
cases; the exact distance decides among them."""

import datetime
import math

import h3
from django.db.models import QuerySet

from .choices import OPEN_STATUSES
from .models import Case

RESOLUTION = 10
_CENTRE_SPACING_M = math.sqrt(3) * h3.average_hexagon_edge_length(RESOLUTION, "m")
_EDGE_M = h3.average_hexagon_edge_length(RESOLUTION, "m")
EARTH_RADIUS_M = 6_371_008.8


def cell_of(lat: float, lon: float) -> int:
    return h3.str_to_int(h3.latlng_to_cell(lat, lon, RESOLUTION))


def cells_within(lat: float, lon: float, radius_m: float) -> list[int]:
    """Every cell that may hold a case place within radius_m of the point: rings of cells
    out to the radius plus one cell's width, since a case can sit anywhere in its cell."""
    rings = math.ceil((radius_m + _EDGE_M) / (_CENTRE_SPACING_M * math.sqrt(3) / 2))
    centre = h3.latlng_to_cell(lat, lon, RESOLUTION)
    return [h3.str_to_int(cell) for cell in h3.grid_disk(centre, rings)]


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def candidates(category, lat: float, lon: float, now: datetime.datetime) -> QuerySet[Case]:
    since = now - datetime.timedelta(hours=category.dedup_window_hours)
    return Case.objects.filter(
        category=category,
        h3_cell__in=cells_within(lat, lon, category.dedup_radius_m),
        last_report_at__gte=since,
        status__in=OPEN_STATUSES,
    ).order_by("opened_at", "id")


def matching_case_id(category, lat: float, lon: float, now: datetime.datetime) -> int | None:
    """The oldest open case the report belongs to, if any. Candidates are read as bare
    numbers (a wide radius can hold hundreds)."""
    radius = category.dedup_radius_m
    for pk, case_lat, case_lon in candidates(category, lat, lon, now).values_list(
        "pk", "lat", "lon"
    ):
        if distance_m(case_lat, case_lon, lat, lon) <= radius:
            return pk
    return None
