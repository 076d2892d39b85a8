"""The alerts API: staff publish, follow, mark sightings, close, and fetch CAP 1.2; partners
see the active alerts they were told of, send receipts, sightings and (with consent) their
position. Handlers parse, call an action or a query, and serialize."""

import datetime
import json

from django.http import HttpResponse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from gridbee.core.authz import Access, Perm, needs
from gridbee.core.errors import DomainError
from gridbee.core.media import read_upload
from gridbee.core.numbers import Latitude, Longitude
from gridbee.core.schemas import ErrorOut, Id
from gridbee.geo.choices import Crs
from gridbee.people.auth import LOGGED_IN
from gridbee.people.queries import partner_of

from . import actions, cap, presenters, queries
from .choices import AlertKind
from .errors import AlertError
from .schemas import (
    AlertDetailOut,
    AlertOut,
    CloseIn,
    MarkIn,
    NearAlertOut,
    PositionIn,
    ReceiptIn,
    SightingAnswerOut,
    SightingOut,
    UpdateIn,
)

router = Router(tags=["alerts"])
ERRORS = dict.fromkeys((400, 401, 403, 404, 409, 413, 422), ErrorOut)


def _partner(request):
    partner = partner_of(request.user)
    if partner is None:
        raise DomainError(AlertError.NOT_A_PARTNER)
    return partner


@router.post("/alerts", response={201: AlertOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.ALERTS_MANAGE)
def publish_alert(
    request,
    kind: Form[AlertKind],
    description: Form[str],
    lat: Form[Latitude],
    lon: Form[Longitude],
    last_seen_at: Form[datetime.datetime],
    expires_at: Form[datetime.datetime],
    photos: File[list[UploadedFile]],
    person_name: Form[str] = "",
    contact: Form[str] = "",
    crs: Form[Crs] = Crs.WGS84,
    stages: Form[str] = "",
):
    """Publish an urgent alert: 1–3 photos, where and when last seen (any CRS), an expiry
    at most 24 h ahead, optional radius stages as JSON `[[minutes, metres or null], ...]`."""
    try:
        parsed_stages = json.loads(stages) if stages.strip() else None
    except ValueError:
        raise DomainError(AlertError.STAGES_INVALID) from None
    alert = actions.publish(
        actor=request.user,
        kind=kind,
        person_name=person_name,
        description=description,
        contact=contact,
        lat=lat,
        lon=lon,
        crs=crs,
        last_seen_at=last_seen_at,
        expires_at=expires_at,
        stages=parsed_stages,
        photos=[read_upload(f) for f in photos],
    )
    return Status(201, presenters.for_staff(alert))


@router.get("/alerts", response={200: list[AlertOut], **ERRORS}, auth=LOGGED_IN)
@needs(Perm.ALERTS_MANAGE)
def list_alerts(request, active: bool = False, limit: int = Query(50, ge=1, le=200)):
    alerts = queries.alerts_for(request.user).prefetch_related("photos")
    if active:
        alerts = alerts.filter(status="active")
    return [presenters.for_staff(a) for a in alerts[:limit]]


@router.get("/alerts/near", response={200: list[NearAlertOut], **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def alerts_near_me(request):
    """The active alerts this partner was told of (none for anyone else)."""
    return [presenters.for_partner(a) for a in queries.near_me(request.user)]


@router.get("/alerts/near/{alert_id}", response={200: NearAlertOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def alert_near_me(request, alert_id: Id):
    """One alert this partner was told of; once ended, only that it ended."""
    return presenters.for_partner(queries.told_of(request.user, alert_id))


@router.post("/alerts/position", response={204: None, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def share_position(request, body: PositionIn):
    """The partner's position while the app is open, kept only with their consent."""
    actions.share_position(
        _partner(request), lat=body.lat, lon=body.lon, crs=body.crs, consent=body.consent
    )
    return Status(204, None)


@router.get("/alerts/{alert_id}", response={200: AlertDetailOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.ALERTS_MANAGE)
def alert_detail(request, alert_id: Id):
    alert = queries.staff_alert(request.user, alert_id)
    return presenters.for_staff(alert, detail=True)


@router.post("/alerts/{alert_id}/update", response={200: AlertOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.ALERTS_MANAGE)
def update_alert(request, alert_id: Id, body: UpdateIn):
    """New details or a later expiry (续期): a CAP Update."""
    alert = actions.update(
        alert_id,
        actor=request.user,
        description=body.description,
        expires_at=body.expires_at,
        note=body.note,
    )
    return presenters.for_staff(alert)


@router.post("/alerts/{alert_id}/close", response={200: AlertOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.ALERTS_MANAGE)
def close_alert(request, alert_id: Id, body: CloseIn):
    """Found, cancelled or false alarm: the all-clear to everyone told, a CAP Cancel."""
    alert = actions.close(alert_id, actor=request.user, outcome=body.outcome, note=body.note)
    return presenters.for_staff(alert)


@router.get("/alerts/{alert_id}/cap", response={200: str, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.ALERTS_MANAGE)
def alert_cap(request, alert_id: Id, message: int = Query(0, ge=0, le=1000)):
    """The alert's CAP 1.2 messages as XML: `message` counts from 1 (the Alert); 0, the
    latest."""
    alert = queries.staff_alert(request.user, alert_id)
    messages = list(alert.messages.all())
    if message > len(messages):
        raise DomainError(AlertError.NOT_FOUND)
    chosen = messages[message - 1] if message else messages[-1]
    return HttpResponse(cap.document(chosen), content_type="application/xml; charset=utf-8")


@router.post(
    "/alerts/{alert_id}/sightings",
    response={200: SightingAnswerOut, 201: SightingAnswerOut, **ERRORS},
    auth=LOGGED_IN,
)
@needs(Access.SIGNED_IN)
def send_sighting(
    request,
    alert_id: Id,
    lat: Form[Latitude],
    lon: Form[Longitude],
    photo: File[UploadedFile],
    crs: Form[Crs] = Crs.WGS84,
    seen_at: Form[datetime.datetime | None] = None,
    text: Form[str] = "",
):
    """A sighting of the person: photo, place, time, a line. Send an `Idempotency-Key`; a
    retry with it gets the first answer (200) and creates nothing."""
    sighting, created = actions.submit_sighting(
        _partner(request),
        alert_id,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        lat=lat,
        lon=lon,
        crs=crs,
        seen_at=seen_at,
        text=text,
        photo=read_upload(photo),
    )
    answer = {"id": sighting.pk, "alert_id": sighting.alert_id, "received_at": sighting.received_at}
    return Status(201 if created else 200, answer)


@router.post("/alerts/{alert_id}/receipts", response={204: None, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def send_receipt(request, alert_id: Id, body: ReceiptIn):
    """The partner's page received the alert (delivered) or showed it (seen)."""
    actions.receipt(_partner(request), alert_id, body.kind)
    return Status(204, None)


@router.post(
    "/alerts/sightings/{sighting_id}/mark", response={200: SightingOut, **ERRORS}, auth=LOGGED_IN
)
@needs(Perm.ALERTS_MANAGE)
def mark_sighting(request, sighting_id: Id, body: MarkIn):
    """Useful or not; a useful sighting earns its partner the alert's points, once."""
    sighting = actions.mark_sighting(sighting_id, actor=request.user, useful=body.useful)
    return presenters.sighting(sighting)
