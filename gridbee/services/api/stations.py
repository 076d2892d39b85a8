"""Stations over JSON: the nearest open ones, the map's list, a station; their keeping by the
county's operators and a station's staff; import and export; "this station is wrong"."""

import json

from django.http import HttpResponse
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from gridbee.core.authz import Access, Perm, needs
from gridbee.core.errors import DomainError
from gridbee.core.media import read_upload
from gridbee.core.numbers import Latitude, Longitude
from gridbee.core.schemas import ErrorOut, Id
from gridbee.geo.queries import parse_bbox
from gridbee.people.auth import LOGGED_IN

from .. import actions_stations as actions
from .. import io_stations, nearest
from ..choices import Service
from ..errors import ServicesError
from ..presenters import station_out
from ..queries import get_visible, stations_to_manage, stations_to_show
from ..schemas import (
    ActiveIn,
    ImportOut,
    NearOut,
    StationIn,
    StationOut,
    StationReportIn,
    StationReportOut,
)

router = Router(tags=["services"])
ERRORS = dict.fromkeys((400, 401, 403, 404, 409, 413), ErrorOut)
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_LIST = 2000


def _service(service: str) -> str:
    if service and service not in Service.values:
        raise DomainError(ServicesError.UNKNOWN_SERVICE)
    return service


def near(lat: float, lon: float, *, service: str = "", open_now: bool = True, limit: int = 5):
    """The API's nearest search (the benchmark times this function)."""
    return [
        {
            "station": station_out(f.point),
            "distance_m": round(f.distance_m),
            "walk_m": round(f.walk_m),
            "walk_minutes": f.walk_minutes,
        }
        for f in nearest.nearest(
            lat, lon, service=_service(service), open_now=open_now, limit=limit
        )
    ]


@router.get("/stations/nearest", response={200: list[NearOut], **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def nearest_stations(
    request,
    lat: Latitude,
    lon: Longitude,
    service: str = "",
    open_now: bool = True,
    limit: int = Query(5, ge=1, le=20),
):
    """The nearest stations from a position (WGS-84), open now unless `open_now=false`,
    offering `service` when given; walking distance is the straight line × 1.3."""
    return near(lat, lon, service=service, open_now=open_now, limit=limit)


@router.get("/stations", response={200: list[StationOut], **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def list_stations(request, bbox: str = "", service: str = ""):
    """Active stations for the map: inside `bbox` (west,south,east,north) when given, at most
    2,000, filtered by `service`."""
    points = stations_to_show().prefetch_related("photos")
    if bbox:
        west, south, east, north = parse_bbox(bbox)
        points = points.filter(lat__gte=south, lat__lte=north, lon__gte=west, lon__lte=east)
    service = _service(service)
    rows = [station_out(p) for p in points[:MAX_LIST]]
    return [r for r in rows if not service or service in r["services"]]


@router.get("/stations/managed", response={200: list[StationOut], **ERRORS}, auth=LOGGED_IN)
@needs(Perm.STATIONS_MANAGE)
def managed_stations(request):
    """The stations the caller keeps, active or not."""
    return [station_out(p) for p in stations_to_manage(request.user).prefetch_related("photos")]


@router.get("/stations/export", response={200: dict, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.STATIONS_MANAGE)
def export_stations(request, format: str = "geojson"):
    """The caller's stations as GeoJSON (`format=geojson`) or CSV (`format=csv`)."""
    points = stations_to_manage(request.user).order_by("code")
    if format == "csv":
        response = HttpResponse(io_stations.to_csv(points), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="stations.csv"'
        return response
    if format != "geojson":
        raise DomainError(ServicesError.BAD_VALUE)
    response = HttpResponse(
        json.dumps(io_stations.to_geojson(points), ensure_ascii=False),
        content_type="application/geo+json",
    )
    response["Content-Disposition"] = 'attachment; filename="stations.geojson"'
    return response


@router.post("/stations/import", response={200: ImportOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.STATIONS_MANAGE)
def import_stations(request, file: File[UploadedFile], county: str | None = None):
    """Import CSV or GeoJSON into the caller's county (the administrator names it: `county`),
    matched on `code`: all rows or none; a refusal lists each bad row's errors in
    `details.rows`."""
    if file.size and file.size > MAX_IMPORT_BYTES:
        raise DomainError(ServicesError.BAD_FILE)
    rows = io_stations.read(file.read(MAX_IMPORT_BYTES + 1), file.name or "")
    return actions.import_rows(rows, actor=request.user, county=county)


@router.post("/stations", response={201: StationOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.STATIONS_MANAGE)
def create_station(request, body: StationIn):
    point = actions.save_station(body.dict(), actor=request.user)
    return Status(201, station_out(point))


@router.get("/stations/{station_id}", response={200: StationOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def get_station(request, station_id: Id):
    return station_out(get_visible(stations_to_show(), station_id))


@router.put("/stations/{station_id}", response={200: StationOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.STATIONS_MANAGE)
def update_station(request, station_id: Id, body: StationIn):
    return station_out(actions.save_station(body.dict(), actor=request.user, point_id=station_id))


@router.post("/stations/{station_id}/active", response={200: StationOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.STATIONS_MANAGE)
def set_active(request, station_id: Id, body: ActiveIn):
    """Open the station on the map again, or take it off (closed for good, moved)."""
    return station_out(actions.set_active(station_id, body.active, actor=request.user))


@router.post("/stations/{station_id}/checked", response={200: StationOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.STATIONS_MANAGE)
def mark_checked(request, station_id: Id):
    """Someone checked the station today and its record is right."""
    return station_out(actions.mark_checked(station_id, actor=request.user))


@router.post("/stations/{station_id}/photos", response={201: StationOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.STATIONS_MANAGE)
def add_photo(request, station_id: Id, photo: File[UploadedFile]):
    actions.add_photo(station_id, read_upload(photo), actor=request.user)
    return Status(201, station_out(get_visible(stations_to_manage(request.user), station_id)))


@router.post(
    "/stations/{station_id}/reports", response={201: StationReportOut, **ERRORS}, auth=LOGGED_IN
)
@needs(Access.SIGNED_IN)
def report_station(request, station_id: Id, body: StationReportIn):
    """A partner says the station is wrong or closed: filed as a case (kind station_report)
    to the station's county, in its operators' queue; a retry within 30 minutes files once."""
    report = actions.report_station(
        station_id, actor=request.user, problem=body.problem, note=body.note
    )
    return Status(201, {"id": report.pk, "case_id": report.case_id, "station_id": station_id})
