from ninja import Query, Router, Schema
from pydantic import Field

from gridbee.core.authz import Access, needs
from gridbee.core.numbers import Latitude, Longitude
from gridbee.core.schemas import ErrorOut

from . import queries, routing
from .choices import Crs
from .index import Location, RegionRef
from .schemas import FeatureCollectionOut, LocationOut

router = Router(tags=["geo"])


# Ranges are documented by the types but checked by the routing function, which answers with
# the domain's own error code (geo.coordinates_out_of_range) for every caller, not only the API.
class LocateQuery(Schema):
    lat: Latitude
    lon: Longitude
    crs: Crs = Field(Crs.WGS84, description="wgs84 (phones), gcj02 (AMap, Tencent), bd09 (Baidu)")


def _region(ref: RegionRef) -> dict:
    return {"code": ref.code, "name": ref.name, "level": ref.level_name}


def location_out(location: Location, lat: float, lon: float) -> dict:
    grid = location.grid
    return {
        "match": location.match,
        "fallback": location.fallback,
        "lat": lat,
        "lon": lon,
        "grid": {"code": grid.code, "name": grid.name, "kind": grid.kind} if grid else None,
        "region": _region(location.region) if location.region else None,
        "regions": [_region(r) for r in location.regions],
    }


@router.get(
    "/locate",
    response={200: LocationOut, 400: ErrorOut},
    summary="Route a point to its grid (or the smallest region containing it)",
)
@needs(Access.ANYONE)
def locate(request, params: Query[LocateQuery]):
    lat, lon = routing.to_wgs84(params.lat, params.lon, params.crs)
    return location_out(routing.locate(lat, lon), lat, lon)


@router.get(
    "/grids",
    response={200: FeatureCollectionOut, 400: ErrorOut},
    summary="Grids meeting a bounding box, as GeoJSON",
)
@needs(Access.ANYONE)
def grids(
    request,
    bbox: str = Query(
        ...,
        description="west,south,east,north in WGS-84, at most 1° on a side",
        example="106.64,26.12,106.67,26.14",
    ),
):
    rows = queries.grids_in_bbox(queries.parse_bbox(bbox))
    return {"type": "FeatureCollection", "features": [queries.grid_feature(*r) for r in rows]}
