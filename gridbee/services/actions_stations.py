"""Every write to stations (驿站): kept by the county's operators and, for a company's station,
its own staff; imported whole or not at all; reported wrong by partners as a case."""

import datetime
import math

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridbee.cases import broadcast, deadlines
from gridbee.cases.actions import record
from gridbee.cases.choices import CaseEventKind, Urgency
from gridbee.cases.models import Case, Category
from gridbee.core.errors import CommonError, DomainError
from gridbee.core.media import process_photo
from gridbee.geo import routing
from gridbee.people.models import Station
from gridbee.people.queries import partner_of

from . import hours as opening
from . import kinds
from .choices import Service, StationKind
from .errors import ServicesError
from .models import ServicePoint, StationPhoto, StationReport
from .queries import get_visible, own_county, stations_to_manage, stations_to_show

FIELDS = ("code", "name", "kind", "services", "hours", "open_24h", "address", "contact", "lat",
          "lon", "last_checked", "station_id")  # fmt: skip
MAX_PHOTOS = 6
REPEAT_WINDOW = datetime.timedelta(minutes=30)
CATEGORY = "station_info"  # the category station reports are filed under (not for intake)


class RowErrors(Exception):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors


def clean(data: dict, county: str) -> dict:
    """A station's fields checked and normalised, or RowErrors naming each bad field."""
    errors: dict[str, str] = {}
    out: dict = {}
    out["code"] = str(data.get("code") or "").strip()[:40]
    out["name"] = str(data.get("name") or "").strip()
    if not out["name"] or len(out["name"]) > 100:
        errors["name"] = _("A name of at most 100 characters is needed.")
    out["kind"] = str(data.get("kind") or StationKind.OTHER)
    if out["kind"] not in StationKind.values:
        errors["kind"] = _("Choose a kind from the list.")
    services = data.get("services") or []
    if isinstance(services, str):
        services = [s.strip() for s in services.replace(",", "|").split("|") if s.strip()]
    if not isinstance(services, list) or not all(s in Service.values for s in services):
        errors["services"] = str(ServicesError.UNKNOWN_SERVICE.message)
    else:
        out["services"] = sorted(set(services), key=Service.values.index)
    try:
        out["hours"] = opening.clean(data.get("hours") or {})
    except DomainError as exc:
        errors["hours"] = exc.message
    out["open_24h"] = _flag(data.get("open_24h"))
    for field, limit in (("address", 200), ("contact", 50)):
        out[field] = str(data.get(field) or "").strip()
        if len(out[field]) > limit:
            errors[field] = _("At most %(n)d characters.") % {"n": limit}
    for field, bound in (("lat", 90), ("lon", 180)):
        try:
            value = float(data.get(field))
            if not (math.isfinite(value) and -bound <= value <= bound):
                raise ValueError
            out[field] = value
        except (TypeError, ValueError):
            errors[field] = _("A number between -%(b)d and %(b)d is needed.") % {"b": bound}
    checked = data.get("last_checked")
    out["last_checked"] = None
    if checked:
        try:
            out["last_checked"] = (
                checked
                if isinstance(checked, datetime.date)
                else datetime.date.fromisoformat(str(checked).strip())
            )
        except ValueError:
            errors["last_checked"] = _("A date like 2026-05-27 is needed.")
    station = data.get("station_id")
    out["station_id"] = None
    if station not in (None, ""):
        found = Station.objects.filter(pk=_int(station), county_id=county).first()
        if found is None:
            errors["station_id"] = _("No such company station in this county.")
        else:
            out["station_id"] = found.pk
    if errors:
        raise RowErrors(errors)
    return out


def _flag(value) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "y", "是", "24h")


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def save_station(data: dict, *, actor, point_id=None) -> ServicePoint:
    """Create a station in the actor's county, or change one they keep."""
    with transaction.atomic():
        if point_id is None:
            county = own_county(actor, data.get("county"))
            point = ServicePoint(county_id=county)
        else:
            point = get_visible(stations_to_manage(actor).select_for_update(), point_id)
            county = point.county_id
        try:
            values = clean(data, county)
        except RowErrors as exc:
            raise DomainError(CommonError.INVALID_INPUT, fields=exc.errors) from None
        if actor.role == "station":  # a station's staff keep their own station
            values["station_id"] = actor.station_id
        for field, value in values.items():
            setattr(point, field, value)
        if not point.code:
            point.code = f"S{timezone.now():%y%m%d%H%M%S%f}"
        elif (
            ServicePoint.objects.filter(county_id=county, code=point.code)
            .exclude(pk=point.pk)
            .exists()
        ):
            raise DomainError(CommonError.INVALID_INPUT, fields={"code": _("Code already used.")})
        point.save()
    return point


def set_active(point_id, active: bool, *, actor) -> ServicePoint:
    point = get_visible(stations_to_manage(actor), point_id)
    point.active = active
    point.save(update_fields=["active", "updated_at"])
    return point


def mark_checked(point_id, *, actor, day: datetime.date | None = None) -> ServicePoint:
    """Someone looked at the station and its record is right (核查日期)."""
    point = get_visible(stations_to_manage(actor), point_id)
    point.last_checked = day or timezone.localdate()
    point.save(update_fields=["last_checked", "updated_at"])
    return point


def add_photo(point_id, data: bytes, *, actor) -> StationPhoto:
    point = get_visible(stations_to_manage(actor), point_id)
    if point.photos.count() >= MAX_PHOTOS:
        raise DomainError(ServicesError.BAD_VALUE, _("At most six photos per station."))
    photo = process_photo(data)  # size, real image, bomb guard, EXIF stripped
    name = f"{point.pk}-{photo.sha256[:12]}.jpg"
    return StationPhoto.objects.create(
        point=point,
        image=ContentFile(photo.image, name=name),
        thumbnail=ContentFile(photo.thumbnail, name=name),
        sha256=photo.sha256,
    )


def import_rows(rows: list[dict], *, actor, county: str | None = None) -> dict:
    """Create or update (matched on code) every row, or none: any bad row refuses the whole
    file with each bad row's errors (its number counting from 1, as a spreadsheet does)."""
    county = own_county(actor, county)
    own_station = actor.station_id if actor.role == "station" else None
    problems, cleaned, seen = [], [], {}
    for number, row in enumerate(rows, start=1):
        try:
            values = clean(row, county)
        except RowErrors as exc:
            problems.append({"row": number, "errors": exc.errors})
            continue
        if not values["code"]:
            problems.append({"row": number, "errors": {"code": _("A code is needed.")}})
        elif values["code"] in seen:
            message = _("The same code as row %(n)d.") % {"n": seen[values["code"]]}
            problems.append({"row": number, "errors": {"code": message}})
        else:
            seen[values["code"]] = number
            cleaned.append(values)
    if own_station:  # a station's staff import their own station's rows, and only those
        theirs = set(stations_to_manage(actor).values_list("code", flat=True))
        taken = set(
            ServicePoint.objects.filter(county_id=county, code__in=list(seen))
            .exclude(code__in=theirs)
            .values_list("code", flat=True)
        )
        for values in cleaned:
            values["station_id"] = own_station
        problems += [
            {"row": seen[code], "errors": {"code": _("This code is another station's.")}}
            for code in sorted(taken)
        ]
        problems.sort(key=lambda p: p["row"])
    if not rows:
        raise DomainError(ServicesError.BAD_FILE)
    if problems:
        raise DomainError(ServicesError.IMPORT_REFUSED, rows=problems)
    created = updated = 0
    with transaction.atomic():
        existing = {
            p.code: p
            for p in ServicePoint.objects.select_for_update().filter(
                county_id=county, code__in=list(seen)
            )
        }
        for values in cleaned:
            point = existing.get(values["code"]) or ServicePoint(county_id=county)
            created += point.pk is None
            updated += point.pk is not None
            for field, value in values.items():
                setattr(point, field, value)
            point.save()
    return {"created": created, "updated": updated}


# --- "this station is wrong or closed" ---------------------------------------------------------

PROBLEMS = {
    "closed": "Closed or gone",
    "hours": "Opening hours wrong",
    "services": "Services wrong",
    "place": "Wrong place on the map",
    "other": "Something else",
}


def report_station(point_id, *, actor, problem: str, note: str = "") -> StationReport:
    """File the partner's note as a case (kind station_report) to the station's county: it
    waits in the operators' queue like any case and the reporter hears of each step."""
    partner = partner_of(actor)
    if partner is None:
        raise DomainError(ServicesError.NOT_A_PARTNER)
    if not partner.can_act:
        raise DomainError(ServicesError.PARTNER_INACTIVE)
    note = (note or "").strip()[:300]
    if problem not in PROBLEMS:
        raise DomainError(ServicesError.BAD_VALUE)
    if problem == "other" and not note:
        raise DomainError(ServicesError.NOTE_REQUIRED)
    point = get_visible(stations_to_show(), point_id)
    now = timezone.now()
    with transaction.atomic():
        # A double tap or a retry files once: the same note on the same station within the
        # window answers with the report already filed.
        earlier = StationReport.objects.filter(
            point=point, reporter=actor, problem=problem, note=note,
            created_at__gte=now - REPEAT_WINDOW,
        ).first()  # fmt: skip
        if earlier is not None:
            return earlier
        location = routing.locate(point.lat, point.lon)
        region = location.region.code if location.region else point.county_id
        if not str(region).startswith(point.county_id[:6]):
            region = point.county_id
        case = Case.objects.create(
            kind=kinds.STATION_REPORT,
            category=station_category(),
            urgency=Urgency.ORDINARY,
            grid_id=location.grid.id if location.grid else None,
            region_id=region,
            county_id=point.county_id,
            lat=point.lat,
            lon=point.lon,
            report_count=1,
            opened_at=now,
            last_report_at=now,
            step_deadline_at=deadlines.due(
                Urgency.ORDINARY, now, deadlines.step_minutes(Urgency.ORDINARY, "accept")
            ),
        )
        text = f"{point.name}: {_(PROBLEMS[problem])}" + (f" — {note}" if note else "")
        record(case, CaseEventKind.OPENED, actor=actor, note=text[:500])
        broadcast.case_changed(case, CaseEventKind.OPENED)
        return StationReport.objects.create(
            point=point, reporter=actor, case=case, problem=problem, note=note
        )


def station_category() -> Category:
    category, _created = Category.objects.get_or_create(
        code=CATEGORY,
        defaults={
            "name": "驿站信息有误",
            "group": "event",
            "major_class": "便民服务",
            "urgency": Urgency.ORDINARY,
            "handling_minutes": kinds.FIX_MINUTES,
            "department_code": "",
            "icon": "🏠",
            "active": False,  # not for photo reports: only this page files it
            "is_public": False,
        },
    )
    return category
