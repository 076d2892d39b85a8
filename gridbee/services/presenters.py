"""Stations, activities and signups as the API and the pages show them."""

from django.utils import timezone

from . import hours
from .choices import ActivityKind, SignupStatus, StationKind
from .models import Activity, Signup


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def station_out(point, *, at=None) -> dict:
    """A station (a model or a values() row) with whether it is open now."""
    get = point.get if isinstance(point, dict) else lambda k, d=None: getattr(point, k, d)
    at = timezone.localtime(at)
    photos = []
    if not isinstance(point, dict):
        photos = [p.thumbnail.url for p in point.photos.all()]
    return {
        "id": get("id"),
        "code": get("code", "") or "",
        "name": get("name"),
        "kind": get("kind"),
        "kind_label": _label(StationKind, get("kind")),
        "services": list(get("services") or []),
        "hours": dict(get("hours") or {}),
        "open_24h": get("open_24h"),
        "today": hours.today_text(get("hours") or {}, get("open_24h"), at.date()),
        "open_now": hours.is_open(get("hours") or {}, get("open_24h"), at),
        "address": get("address") or "",
        "contact": get("contact") or "",
        "lat": get("lat"),
        "lon": get("lon"),
        "last_checked": get("last_checked"),
        "county_code": get("county_id"),
        "station_id": get("station_id"),
        "active": get("active", True),
        "photos": photos,
    }


def activity_out(activity: Activity, *, my_status: str | None = None) -> dict:
    counts = {SignupStatus.CONFIRMED: 0, SignupStatus.WAITING: 0}
    for status in activity.signups.values_list("status", flat=True):
        if status in counts:
            counts[status] += 1
    return {
        "id": activity.pk,
        "kind": activity.kind,
        "kind_label": _label(ActivityKind, activity.kind),
        "title": activity.title,
        "description": activity.description,
        "place": activity.place,
        "lat": activity.lat,
        "lon": activity.lon,
        "radius_m": activity.radius_m,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "capacity": activity.capacity,
        "taken": counts[SignupStatus.CONFIRMED],
        "waiting": counts[SignupStatus.WAITING],
        "signup_opens_at": activity.signup_opens_at,
        "signup_closes_at": activity.signup_closes_at,
        "points": activity.points,
        "recurrence": activity.recurrence,
        "series_id": activity.series_id,
        "cancelled": activity.cancelled,
        "my_status": my_status,
    }


def waiting_position(signup: Signup) -> int | None:
    if signup.status != SignupStatus.WAITING:
        return None
    ahead = signup.activity.signups.filter(
        status=SignupStatus.WAITING, signed_up_at__lt=signup.signed_up_at
    ).count()
    return ahead + 1


def signup_out(signup: Signup) -> dict:
    return {
        "id": signup.pk,
        "activity_id": signup.activity_id,
        "partner_id": signup.partner_id,
        "partner_name": signup.partner.name,
        "status": signup.status,
        "position": waiting_position(signup),
        "checked_in_at": signup.checked_in_at,
        "checked_out_at": signup.checked_out_at,
        "check_in_method": signup.check_in_method,
        "credited_minutes": signup.credited_minutes,
    }
