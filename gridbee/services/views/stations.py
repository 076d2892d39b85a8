"""Station pages: the partner's map and list with the nearest open stations and "this station is
wrong", and the keeping page for the county's operators and a station's staff."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridbee.core.authz import Perm
from gridbee.core.errors import DomainError
from gridbee.core.media import read_upload
from gridbee.core.numbers import Latitude, Longitude, checked
from gridbee.core.pages import needs, show_refusal
from gridbee.geo.maps import MAP_CENTER

from .. import actions_stations as actions
from .. import io_stations, nearest
from ..choices import Service, StationKind
from ..hours import KEYS
from ..presenters import station_out
from ..queries import counties_to_choose, get_visible, stations_to_manage, stations_to_show

DAY_NAMES = {"1": "Mon", "2": "Tue", "3": "Wed", "4": "Thu", "5": "Fri", "6": "Sat", "7": "Sun",
             "holiday": "Holidays"}  # fmt: skip


def _position(request) -> tuple[float, float] | None:
    try:
        lat = checked(request.GET.get("lat") or None, Latitude, field="lat")
        lon = checked(request.GET.get("lon") or None, Longitude, field="lon")
    except DomainError:
        return None
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


@login_required
def stations(request):
    """Map and list: with a position, the nearest open stations (with the service asked for)
    and their walking distance; without, every station of the map's area."""
    service = request.GET.get("service", "")
    service = service if service in Service.values else ""
    position = _position(request)
    found = []
    if position:
        found = [
            {"station": station_out(f.point), "distance_m": round(f.distance_m),
             "walk_m": round(f.walk_m), "walk_minutes": f.walk_minutes}
            for f in nearest.nearest(*position, service=service, limit=10)
        ]  # fmt: skip
        rows = found
    else:
        points = stations_to_show().order_by("name")[:300]
        rows = [{"station": station_out(p)} for p in points]
        rows = [r for r in rows if not service or service in r["station"]["services"]]
    markers = [
        {"id": r["station"]["id"], "lat": r["station"]["lat"], "lon": r["station"]["lon"],
         "name": r["station"]["name"], "open": r["station"]["open_now"]}
        for r in rows
    ]  # fmt: skip
    config = {
        "center": {"lat": position[0], "lon": position[1]} if position else MAP_CENTER,
        "zoom": 15 if position else 13,
        "tileUrl": settings.TILE_URL,
        "markers": markers,
        "me": {"lat": position[0], "lon": position[1]} if position else None,
        "text": {
            "locating": _("Finding your position…"),
            "denied": _("Your position is not available; showing every station."),
        },
    }
    labels = dict(Service.choices)
    for row in rows:
        row["service_labels"] = [labels[s] for s in row["station"]["services"] if s in labels]
    return render(request, "services/stations.html", {
        "rows": rows, "nearest": bool(position), "service": service,
        "services": Service.choices, "config": config, "problems": _problems(),
    })  # fmt: skip


def _problems() -> list[tuple[str, str]]:
    return [(k, _(v)) for k, v in actions.PROBLEMS.items()]


@require_POST
@login_required
def report(request, pk: int):
    try:
        filed = actions.report_station(pk, actor=request.user,
                                       problem=request.POST.get("problem", ""),
                                       note=request.POST.get("note", ""))  # fmt: skip
    except DomainError as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request,
            _("Thank you: your note went to the county as case #%(id)s.") % {"id": filed.case_id},
        )
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/stations/") else reverse("stations"))


# --- keeping stations -------------------------------------------------------------------------


def _form_data(post) -> dict:
    data = {f: post.get(f, "") for f in ("code", "name", "kind", "address", "contact", "lat",
                                         "lon", "last_checked", "station_id")}  # fmt: skip
    data["county"] = post.get("county")
    data["services"] = post.getlist("services")
    data["hours"] = {k: post.get(f"hours_{k}", "") for k in KEYS if f"hours_{k}" in post}
    if not data["hours"].get("holiday"):
        data["hours"].pop("holiday", None)
    data["open_24h"] = post.get("open_24h") == "on"
    return data


@needs(Perm.STATIONS_MANAGE)
def manage(request):
    """The stations the caller keeps: new, edit, import (whole or not at all), export."""
    points = stations_to_manage(request.user).order_by("name")
    editing = None
    if request.GET.get("edit"):
        try:
            editing = get_visible(points, request.GET["edit"])
        except DomainError as exc:
            show_refusal(request, exc)
    errors, import_rows = {}, []
    if request.method == "POST":
        try:
            if "file" in request.FILES:
                upload = request.FILES["file"]
                rows = io_stations.read(upload.read(10 * 1024 * 1024 + 1), upload.name)
                done = actions.import_rows(
                    rows, actor=request.user, county=request.POST.get("county")
                )
                messages.success(
                    request, _("Imported: %(created)d new, %(updated)d changed.") % done
                )
                return redirect("stations-manage")
            pk = request.POST.get("pk") or None
            if request.POST.get("do") == "checked":
                actions.mark_checked(pk, actor=request.user)
            elif request.POST.get("do") in ("close", "open"):
                actions.set_active(pk, request.POST["do"] == "open", actor=request.user)
            elif request.POST.get("do") == "photo":
                actions.add_photo(pk, read_upload(request.FILES["photo"]), actor=request.user)
            else:
                actions.save_station(_form_data(request.POST), actor=request.user, point_id=pk)
            messages.success(request, _("Saved."))
            return redirect("stations-manage")
        except DomainError as exc:
            errors = exc.details.get("fields", {})
            import_rows = exc.details.get("rows", [])
            messages.error(request, exc.message)
        except KeyError:
            messages.error(request, _("Some fields are missing or invalid."))
    return render(request, "services/stations_manage.html", {
        "points": points, "editing": editing, "errors": errors, "import_rows": import_rows,
        "kinds": StationKind.choices, "services": Service.choices,
        "days": [(k, _(DAY_NAMES[k])) for k in KEYS],
        "station_role": request.user.role == "station",
        "counties": counties_to_choose(request.user), "chosen_county": request.POST.get("county"),
    })  # fmt: skip


@needs(Perm.STATIONS_MANAGE)
def export(request, fmt: str):
    if fmt not in ("csv", "geojson"):
        raise Http404
    points = stations_to_manage(request.user).order_by("code")
    if fmt == "csv":
        response = HttpResponse(io_stations.to_csv(points), content_type="text/csv; charset=utf-8")
    else:
        body = json.dumps(io_stations.to_geojson(points), ensure_ascii=False)
        response = HttpResponse(body, content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="stations.{fmt}"'
    return response
