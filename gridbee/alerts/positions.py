"""Where partners are, and who is within an alert's radius: one indexed query.

A position is kept as its H3 cell (resolution 8, cells ~0.7 km² across); the cells of a disk
around the place last seen are computed here, in memory, and the database answers
`h3_cell IN (...)` from its index. Cells are kept whole when their centre lies within the
radius plus one cell edge, so nobody inside the circle is missed; a partner a few hundred
metres beyond it may be told too, which for a search is the right side to err on."""

import math
from functools import cache

import h3
from django.db import transaction
from django.utils import timezone

from gridbee.people.choices import PartnerStatus
from gridbee.people.models import Partner

from .choices import PositionSource
from .models import PartnerPosition

RESOLUTION = 8
# The operator's map counts told partners per area: cells of resolution 7 (~5 km²), never
# a position.
AREA_RESOLUTION = 7
EARTH_RADIUS_M = 6_371_008.8
NOT_ACTIVE = [s for s in PartnerStatus.values if s != PartnerStatus.ACTIVE]


def cell_of(lat: float, lon: float, resolution: int = RESOLUTION) -> int:
    return h3.str_to_int(h3.latlng_to_cell(lat, lon, resolution))


def area_of(cell: int) -> int:
    return h3.str_to_int(h3.cell_to_parent(h3.int_to_str(cell), AREA_RESOLUTION))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@cache
def _spacing_m() -> tuple[float, float]:
    edge = h3.average_hexagon_edge_length(RESOLUTION, "m")
    return math.sqrt(3) * edge, edge


def cells_within(lat: float, lon: float, radius_m: float) -> list[int]:
    """The H3 cells covering the disk of radius_m around the point."""
    spacing, edge = _spacing_m()
    centre = h3.latlng_to_cell(lat, lon, RESOLUTION)
    rings = math.ceil(radius_m / spacing) + 1
    reach = radius_m + 1.5 * edge
    cells = []
    for cell in h3.grid_disk(centre, rings):
        clat, clon = h3.cell_to_latlng(cell)
        if distance_m(lat, lon, clat, clon) <= reach:
            cells.append(h3.str_to_int(cell))
    return cells


def partners_within(lat: float, lon: float, radius_m: float) -> list[tuple[int, int, int]]:
    """(partner id, user id, cell) of the active partners whose last position lies within
    radius_m of the point: one query, on the position index. Partners not active are left out
    by a subquery on them (few: suspended or revoked), which keeps the plan on the cell index
    whatever the partners table holds; joining it instead lets the planner scan all of it."""
    inactive = Partner.objects.filter(status__in=NOT_ACTIVE).values("pk")  # on its index
    return list(
        PartnerPosition.objects.filter(h3_cell__in=cells_within(lat, lon, radius_m))
        .exclude(partner_id__in=inactive)
        .values_list("partner_id", "user_id", "h3_cell")
    )


def record(partner_id: int, lat: float, lon: float, source: str, at=None) -> None:
    """Keep the partner's latest position (an older one never overwrites a newer)."""
    at = at or timezone.now()
    cell = cell_of(lat, lon)
    with transaction.atomic():
        updated = PartnerPosition.objects.filter(partner_id=partner_id, at__lte=at).update(
            lat=lat, lon=lon, h3_cell=cell, source=source, at=at
        )
        if not updated and not PartnerPosition.objects.filter(partner_id=partner_id).exists():
            user_id = Partner.objects.values_list("user_id", flat=True).get(pk=partner_id)
            PartnerPosition.objects.create(
                partner_id=partner_id, user_id=user_id, lat=lat, lon=lon, h3_cell=cell,
                source=source, at=at,
            )  # fmt: skip


def refresh_from_reports(since) -> int:
    """Positions from the partners' reports received since `since` (the latest of each):
    reports are a layer below and know nothing of alerts, so alerts read them."""
    from gridbee.cases.models import Report

    latest: dict[int, tuple] = {}
    rows = (
        Report.objects.filter(partner__isnull=False, received_at__gte=since)
        .order_by("received_at", "id")
        .values_list("partner_id", "lat", "lon", "received_at")
    )
    for partner_id, lat, lon, at in rows.iterator():
        latest[partner_id] = (lat, lon, at)
    for partner_id, (lat, lon, at) in latest.items():
        record(partner_id, lat, lon, PositionSource.REPORT, at)
    return len(latest)


def area_centre(cell: int) -> dict:
    lat, lon = h3.cell_to_latlng(h3.int_to_str(cell))
    return {"lat": round(lat, 5), "lon": round(lon, 5)}
