"""The operators' alert console: the county's alerts and the publish form (a map to place
the last-seen point), and one alert's page (counts, a live map of told partners per area and
of sightings, the sightings' timeline with useful / not useful, update and close). Forms post
here and go through actions; the page's script marks sightings through the API."""

import datetime
import json

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from gridbee.core.authz import Perm
from gridbee.core.errors import CommonError, DomainError
from gridbee.core.media import read_upload
from gridbee.core.numbers import Latitude, Longitude, from_form
from gridbee.core.pages import needs, show_refusal
from gridbee.geo.choices import Crs
from gridbee.geo.maps import MAP_CENTER, MAP_ZOOM

from .. import actions, presenters, queries
from ..choices import CLOSING, AlertKind, AlertStatus
from ..models import DEFAULT_STAGES

EXPIRY_HOURS = [1, 2, 4, 6, 8, 12, 24]
CONSOLE_TEXT = {
    "told": _("told"),
    "useful": _("Useful"),
    "notUseful": _("Not useful"),
    "markedUseful": _("Marked useful"),
    "markedNotUseful": _("Marked not useful"),
    "group": _("Group of #%(id)s"),
    "live": _("Live"),
    "offline": _("Live updates paused; reconnecting…"),
    "lastSeen": _("Last seen here"),
}


def _map_config(**extra) -> dict:
    return {
        "center": MAP_CENTER,
        "zoom": MAP_ZOOM,
        "tileUrl": settings.TILE_URL,
        "text": {k: str(v) for k, v in CONSOLE_TEXT.items()},
        **extra,
    }


@needs(Perm.ALERTS_MANAGE)
def console(request):
    if request.method == "POST":
        try:
            alert = _publish(request)
        except DomainError as error:
            show_refusal(request, error)
        else:
            return redirect("alert-console", alert_id=alert.pk)
    alerts = queries.alerts_for(request.user)[:100]
    now = timezone.localtime()
    context = {
        "alerts": alerts,
        "kinds": AlertKind.choices,
        "expiry_hours": EXPIRY_HOURS,
        "now": now.strftime("%Y-%m-%dT%H:%M"),
        "stages": json.dumps(DEFAULT_STAGES),
        "crs_choices": Crs.choices,
        "map_config": _map_config(),
        "form": request.POST if request.method == "POST" else {},
    }
    return render(request, "alerts/console.html", context, status=400 if request.POST else 200)


def _publish(request):
    data = request.POST
    lat = from_form(data.get("lat"), Latitude, field="lat")
    lon = from_form(data.get("lon"), Longitude, field="lon")
    if lat is None or lon is None:
        raise DomainError(CommonError.INVALID_INPUT, field="lat")
    seen = parse_datetime(data.get("last_seen_at", "") or "")
    if seen is not None and timezone.is_naive(seen):
        seen = timezone.make_aware(seen)
    try:
        hours = int(data.get("expires_hours", ""))
    except ValueError:
        hours = 0
    expires_at = timezone.now() + datetime.timedelta(hours=hours) if hours > 0 else None
    raw_stages = (data.get("stages") or "").strip()
    try:
        stages = json.loads(raw_stages) if raw_stages else None
    except ValueError:
        stages = "invalid"
    return actions.publish(
        actor=request.user,
        kind=data.get("kind", ""),
        person_name=data.get("person_name", ""),
        description=data.get("description", ""),
        contact=data.get("contact", ""),
        lat=lat,
        lon=lon,
        crs=data.get("crs") or Crs.WGS84,
        last_seen_at=seen,
        expires_at=expires_at,
        stages=stages,
        photos=[read_upload(f) for f in request.FILES.getlist("photos")],
    )


@needs(Perm.ALERTS_MANAGE)
def alert_page(request, alert_id: int):
    try:
        alert = queries.staff_alert(request.user, alert_id)
    except DomainError as error:
        show_refusal(request, error)
    detail = presenters.for_staff(alert, detail=True)
    config = _map_config(
        alertUrl=reverse("api:alert_detail", args=[alert.pk]),
        markUrl=reverse("api:mark_sighting", args=[0]),
        liveUrl=reverse("live-alert", args=[alert.pk]),
        lastSeen={"lat": alert.lat, "lon": alert.lon},
        radius=detail["radius_m"],
    )
    context = {
        "alert": alert,
        "detail": detail,
        "closing": [(s, AlertStatus(s).label) for s in CLOSING],
        "expiry_hours": EXPIRY_HOURS,
        "messages_cap": list(alert.messages.all()),
        "events": alert.events.select_related("actor"),
        "map_config": config,
    }
    return render(request, "alerts/alert.html", context)


@require_POST
@needs(Perm.ALERTS_MANAGE)
def update(request, alert_id: int):
    """Renew (a later expiry, counted from now) or correct the description: a CAP Update."""
    try:
        hours = int(request.POST.get("expires_hours") or 0)
    except ValueError:
        hours = 0
    description = (request.POST.get("description") or "").strip() or None
    try:
        actions.update(
            alert_id,
            actor=request.user,
            description=description,
            expires_at=timezone.now() + datetime.timedelta(hours=hours) if hours > 0 else None,
            note=request.POST.get("note", ""),
        )
    except DomainError as error:
        show_refusal(request, error)
    return redirect("alert-console", alert_id=alert_id)


@require_POST
@needs(Perm.ALERTS_MANAGE)
def close(request, alert_id: int):
    try:
        actions.close(
            alert_id,
            actor=request.user,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
        )
    except DomainError as error:
        show_refusal(request, error)
    return redirect("alert-console", alert_id=alert_id)
