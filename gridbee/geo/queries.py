"""Reads of regions and grids. The layer is public information (grids are published on the
street), so these reads need no caller scope; the scoped reads of later domains build on them."""

from collections.abc import Iterator

import shapely

from gridbee.core.errors import DomainError

from .choices import Level
from .errors import GeoError
from .geometry import to_geojson
from .models import Grid, Region

MAX_BBOX_DEGREES = 1.0
MAX_BBOX_GRIDS = 3_000


def parse_bbox(raw: str) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(part) for part in raw.split(","))
    except (ValueError, AttributeError):
        raise DomainError(GeoError.BBOX_INVALID) from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise DomainError(GeoError.BBOX_INVALID)
    return west, south, east, north


_CODE_GROUPS = (2, 2, 2, 3, 3)  # province, city, county, town, village digits


def region_prefix(code: str) -> str:
    """The code's significant digits: 522731001000 -> 522731001, which every descendant's code,
    and every grid code inside it, starts with."""
    ends, end = [], 0
    for width in _CODE_GROUPS:
        end += width
        ends.append(end)
    keep = 0
    for start, stop in zip([0, *ends[:-1]], ends, strict=True):
        if code[start:stop].strip("0"):
            keep = stop
    return code[:keep]


def grids_in_bbox(bbox: tuple[float, float, float, float]):
    """The grids whose bounding box meets bbox, or BBOX_TOO_LARGE past MAX_BBOX_GRIDS."""
    west, south, east, north = bbox
    limit = MAX_BBOX_GRIDS
    if east - west > MAX_BBOX_DEGREES or north - south > MAX_BBOX_DEGREES:
        raise DomainError(GeoError.BBOX_TOO_LARGE)
    rows = list(
        Grid.objects.filter(
            min_lon__lte=east, max_lon__gte=west, min_lat__lte=north, max_lat__gte=south
        ).values_list("code", "name", "kind", "community_id", "geom")[: limit + 1]
    )
    if len(rows) > limit:
        raise DomainError(GeoError.BBOX_TOO_LARGE)
    return rows


def grid_feature(code, name, kind, community_code, geom_wkb) -> dict:
    return {
        "type": "Feature",
        "id": code,
        "properties": {"code": code, "name": name, "kind": kind, "community_code": community_code},
        "geometry": to_geojson(shapely.from_wkb(bytes(geom_wkb))),
    }


def export_grids(region_code: str = "") -> Iterator[dict]:
    """Grid features in the import format, optionally only those inside one region."""
    grids = Grid.objects.order_by("code")
    if region_code:
        grids = grids.filter(code__startswith=region_prefix(region_code))
    rows = grids.values_list("code", "name", "kind", "community_id", "geom")
    for row in rows.iterator(chunk_size=5_000):
        yield grid_feature(*row)


def export_regions(region_code: str = "") -> Iterator[dict]:
    """Region features in the import format, parents before children, optionally one region
    and everything below it."""
    regions = Region.objects.order_by("level", "code")
    if region_code:
        regions = regions.filter(code__startswith=region_prefix(region_code))
    rows = regions.values_list("code", "name", "level", "parent_id", "geom")
    for code, name, level, parent, geom in rows.iterator(chunk_size=5_000):
        yield {
            "type": "Feature",
            "id": code,
            "properties": {
                "code": code,
                "name": name,
                "level": Level(level).name.lower(),
                "parent_code": parent,
            },
            "geometry": to_geojson(shapely.from_wkb(bytes(geom))) if geom is not None else None,
        }
