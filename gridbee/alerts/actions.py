"""Every write of alerts: publish, update, tell (the radius stages), receipts, sightings,
close. Each writes its timeline row in its transaction; live events go out on commit.

Who is told: the active partners whose last position lies within the stage's radius, or who
are bound to a grid whose centre does (the whole county at a county-wide stage). Each partner
is told once per alert (a unique constraint on (alert, partner)); a widening tells only those
it newly covers. Telling locks the alert's row, so the sweep and a publish never tell twice."""

import datetime
import hashlib
import json
import math

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridbee.core import live
from gridbee.core.authz import Perm, require
from gridbee.core.errors import DomainError
from gridbee.core.media import process_photo
from gridbee.core.notify import notify
from gridbee.geo import routing
from gridbee.geo.choices import Crs, Level
from gridbee.geo.models import Grid
from gridbee.people.choices import PartnerStatus
from gridbee.people.models import GridBinding, Partner
from gridbee.people.queries import EVERYWHERE

from . import positions
from .choices import CLOSING, AlertStatus, CapType, PositionSource, ReceiptKind
from .errors import AlertError
from .models import (
    DEFAULT_STAGES,
    Alert,
    AlertEvent,
    AlertPhoto,
    CapMessage,
    Sighting,
    Told,
)
from .queries import alert_scope

MAX_PHOTOS = 3
MAX_HOURS = 24
MAX_STAGES = 8
MIN_RADIUS_M, MAX_RADIUS_M = 100, 50_000
LAST_SEEN_MAX_AGE = datetime.timedelta(days=3)
# Who has not opened a page since being told within this long gets a message instead.
REACH_WAIT = datetime.timedelta(seconds=60)
# Sightings this close in space and time are one group on the operator's map.
GROUP_METRES = 300
GROUP_MINUTES = 20
MAX_KEY = 100
MAX_SIGHTING_TEXT = 200


# -- publish and update ---------------------------------------------------------------------


def check_stages(stages) -> list[list]:
    """The radius stages as [[minutes, metres or None], ...], or STAGES_INVALID."""
    if stages is None:
        return [list(s) for s in DEFAULT_STAGES]
    try:
        result = [[int(m), None if r is None else int(r)] for m, r in stages]
    except (TypeError, ValueError):
        raise DomainError(AlertError.STAGES_INVALID) from None
    ok = 0 < len(result) <= MAX_STAGES and result[0][0] == 0
    for i, (minutes, radius) in enumerate(result):
        if radius is None:
            ok = ok and i == len(result) - 1
        else:
            ok = ok and MIN_RADIUS_M <= radius <= MAX_RADIUS_M
        if i:
            before_m, before_r = result[i - 1]
            ok = ok and minutes > before_m and before_r is not None
            ok = ok and (radius is None or radius > before_r)
    if not ok:
        raise DomainError(AlertError.STAGES_INVALID)
    return result


def _check_expiry(expires_at, now) -> None:
    if expires_at is None or not (now < expires_at <= now + datetime.timedelta(hours=MAX_HOURS)):
        raise DomainError(AlertError.EXPIRY_REQUIRED)


def _county_of(actor, lat: float, lon: float) -> str:
    """The county the place lies in, which must be one the actor serves."""
    location = routing.locate(lat, lon)
    county = next((r.code for r in location.regions if r.level == Level.COUNTY), None)
    if county is None:
        raise DomainError(AlertError.OUTSIDE_COUNTY)
    prefix = alert_scope(actor)
    if prefix is None or not (prefix == EVERYWHERE or county.startswith(prefix[:6])):
        raise DomainError(AlertError.OUTSIDE_COUNTY)
    return county


def publish(
    *,
    actor,
    kind: str,
    person_name: str,
    description: str,
    contact: str,
    lat: float,
    lon: float,
    crs: str = Crs.WGS84,
    last_seen_at,
    expires_at,
    stages=None,
    photos: list[bytes],
    now=None,
) -> Alert:
    """发布预警: the alert, its first CAP message, and the first stage told at once."""
    require(actor, Perm.ALERTS_MANAGE)
    now = now or timezone.now()
    person_name, description, contact = (
        (person_name or "").strip(),
        (description or "").strip(),
        (contact or "").strip(),
    )
    if len(person_name) > 50 or not 0 < len(description) <= 1000 or len(contact) > 100:
        raise DomainError(AlertError.TEXT_INVALID)
    if not photos:
        raise DomainError(AlertError.NO_PHOTO)
    if len(photos) > MAX_PHOTOS:
        raise DomainError(AlertError.TOO_MANY_PHOTOS)
    _check_expiry(expires_at, now)
    if last_seen_at is None or not (now - LAST_SEEN_MAX_AGE <= last_seen_at <= now):
        raise DomainError(AlertError.LAST_SEEN_INVALID)
    stages = check_stages(stages)
    lat, lon = routing.to_wgs84(lat, lon, crs)
    county = _county_of(actor, lat, lon)
    processed = [process_photo(data) for data in photos]
    with transaction.atomic():
        alert = Alert.objects.create(
            county_id=county,
            kind=kind,
            person_name=person_name,
            description=description,
            contact=contact,
            lat=lat,
            lon=lon,
            h3_cell=positions.cell_of(lat, lon),
            declared_crs=str(crs),
            last_seen_at=last_seen_at,
            expires_at=expires_at,
            stages=stages,
            published_by=actor,
        )
        for n, photo in enumerate(processed):
            name = f"{alert.pk}-{n + 1}.jpg"
            AlertPhoto.objects.create(
                alert=alert,
                image=ContentFile(photo.image, name=name),
                thumbnail=ContentFile(photo.thumbnail, name=name),
                width=photo.width,
                height=photo.height,
            )
        _cap(alert, CapType.ALERT, now)
        AlertEvent.objects.create(alert=alert, action="published", actor=actor)
        _tell_due(alert, now)
    return alert


def update(alert_id, *, actor, description=None, expires_at=None, note: str = "", now=None):
    """An update (续期 or new details): a CAP Update referencing the chain."""
    now = now or timezone.now()
    with transaction.atomic():
        alert = _lock_staff(actor, alert_id)
        if expires_at is not None:
            _check_expiry(expires_at, now)
            alert.expires_at = expires_at
        if description is not None:
            description = description.strip()
            if not 0 < len(description) <= 1000:
                raise DomainError(AlertError.TEXT_INVALID)
            alert.description = description
        alert.save(update_fields=["expires_at", "description"])
        _cap(alert, CapType.UPDATE, now, note=note)
        AlertEvent.objects.create(alert=alert, action="updated", actor=actor, note=note[:500])
        _publish_to_told(alert, {"type": "alert", "id": alert.pk})
    return alert


def _lock_staff(actor, alert_id, *, active=True) -> Alert:
    from .queries import alerts_for

    require(actor, Perm.ALERTS_MANAGE)
    try:
        alert = alerts_for(actor).select_for_update().get(pk=alert_id)
    except (Alert.DoesNotExist, ValueError, TypeError):
        raise DomainError(AlertError.NOT_FOUND) from None
    if active and not alert.is_active:
        raise DomainError(AlertError.NOT_ACTIVE)
    return alert


def _cap(alert: Alert, msg_type: str, now, note: str = "") -> CapMessage:
    radius = current_radius(alert)
    return CapMessage.objects.create(
        alert=alert,
        msg_type=msg_type,
        sent=now,
        note=note[:500],
        snapshot={
            "status": alert.status,
            "expires": alert.expires_at.isoformat(),
            "radius_m": radius,
        },
    )


# -- telling: the radius stages -------------------------------------------------------------


def due_stage(alert: Alert, now) -> int:
    """The index of the widest stage due by now (by the time last seen)."""
    minutes = (now - alert.last_seen_at).total_seconds() / 60
    due = 0
    for i, (after, _radius) in enumerate(alert.stages):
        if minutes >= after:
            due = i
    return due


def current_radius(alert: Alert) -> int | None:
    """The radius told so far in metres (None: the whole county)."""
    stage = max(alert.stage, 0)
    return alert.stages[stage][1]


def _targets(alert: Alert, radius_m: int | None) -> dict[int, tuple[int, int | None]]:
    """partner id → (user id, cell) of everyone the radius covers."""
    if radius_m is None:
        found = {
            pk: (user_id, cell)
            for pk, user_id, cell in Partner.objects.filter(
                county_id=alert.county_id, status=PartnerStatus.ACTIVE
            ).values_list("pk", "user_id", "position__h3_cell")
        }
    else:
        found = {
            pk: (user_id, cell)
            for pk, user_id, cell in positions.partners_within(alert.lat, alert.lon, radius_m)
        }
        grids = _grids_within(alert.lat, alert.lon, radius_m)
        if grids:
            bound = GridBinding.objects.filter(
                grid_id__in=grids, partner__status=PartnerStatus.ACTIVE
            ).values_list("partner_id", "partner__user_id", "partner__position__h3_cell")
            for pk, user_id, cell in bound:
                found.setdefault(pk, (user_id, cell))
    return found


def _grids_within(lat: float, lon: float, radius_m: float) -> list[int]:
    """Grids whose centre lies within the radius (a bounding box first, from the index)."""
    dlat = radius_m / 111_320
    dlon = dlat / max(0.01, abs(math.cos(math.radians(lat))))
    rows = Grid.objects.filter(
        centroid_lat__range=(lat - dlat, lat + dlat),
        centroid_lon__range=(lon - dlon, lon + dlon),
    ).values_list("pk", "centroid_lat", "centroid_lon")
    return [pk for pk, glat, glon in rows if positions.distance_m(lat, lon, glat, glon) <= radius_m]


def _tell_due(alert: Alert, now) -> int:
    """Tell the partners the due stage newly covers (the alert's row is locked). Returns how
    many were newly told."""
    stage = due_stage(alert, now)
    if stage <= alert.stage:
        return 0
    targets = _targets(alert, alert.stages[stage][1])
    already = set(Told.objects.filter(alert=alert).values_list("partner_id", flat=True))
    new = [pk for pk in targets if pk not in already]
    Told.objects.bulk_create(
        [
            Told(
                alert=alert,
                partner_id=pk,
                stage=stage,
                told_at=now,
                area_cell=positions.area_of(targets[pk][1]) if targets[pk][1] else None,
            )
            for pk in new
        ]
    )
    alert.stage = stage
    alert.save(update_fields=["stage"])
    if stage > 0:
        AlertEvent.objects.create(
            alert=alert, action="widened", note=f"stage {stage}: {len(new)} told"
        )
    event = {"type": "alert", "id": alert.pk}
    live.publish_on_commit([live.user_topic(targets[pk][0]) for pk in new], event)
    _publish_staff(alert)
    return len(new)


def _publish_to_told(alert: Alert, event: dict) -> None:
    users = Told.objects.filter(alert=alert).values_list("partner__user_id", flat=True)
    live.publish_on_commit([live.user_topic(u) for u in users], event)
    _publish_staff(alert)


def _publish_staff(alert: Alert) -> None:
    live.publish_on_commit([alert_topic(alert.pk)], {"type": "alert", "id": alert.pk})


def alert_topic(alert_id) -> str:
    """The operator console's topic of one alert (its counts, sightings)."""
    return f"alert:{alert_id}"


def sweep(now=None) -> dict:
    """Every minute (tasks.py): positions from new reports, stages due, expiry, and a
    message to whoever was told but has not been reached live."""
    now = now or timezone.now()
    positions.refresh_from_reports(now - datetime.timedelta(minutes=5))
    widened = expired = messaged = 0
    for pk in Alert.objects.filter(status=AlertStatus.ACTIVE).values_list("pk", flat=True):
        with transaction.atomic():
            alert = Alert.objects.select_for_update().get(pk=pk)
            if not alert.is_active:
                continue
            if alert.expires_at <= now:
                _end(alert, AlertStatus.EXPIRED, now, actor=None, note="")
                expired += 1
                continue
            widened += _tell_due(alert, now)
            messaged += _message_unreached(alert, now)
    return {"widened": widened, "expired": expired, "messaged": messaged}


def _message_unreached(alert: Alert, now) -> int:
    """Through the outbound channel (SMS, app push) to whoever has not opened a page since
    being told: no name or photo in it, as a message cannot be taken back at close."""
    rows = list(
        Told.objects.filter(
            alert=alert,
            delivered_at__isnull=True,
            messaged_at__isnull=True,
            told_at__lte=now - REACH_WAIT,
        ).values_list("pk", "partner__user__mobile")
    )
    body = _("GridBee urgent alert near you: %(kind)s. Open GridBee to help.") % {
        "kind": alert.get_kind_display()
    }
    for _pk, mobile in rows:
        notify(mobile, body, subject=_("Urgent alert"))
    Told.objects.filter(pk__in=[pk for pk, _m in rows]).update(messaged_at=now)
    return len(rows)


# -- receipts and positions -----------------------------------------------------------------


def receipt(partner: Partner, alert_id, kind: str, now=None) -> Told:
    """The partner's page received the alert (delivered) or showed it to them (seen)."""
    now = now or timezone.now()
    told = Told.objects.filter(alert_id=alert_id, partner=partner).first()
    if told is None:
        raise DomainError(AlertError.NOT_TOLD)
    fields = {"delivered_at": now} if kind == ReceiptKind.DELIVERED else {"seen_at": now}
    updates = Told.objects.filter(pk=told.pk)
    for field, value in fields.items():
        updates.filter(**{f"{field}__isnull": True}).update(**{field: value})
    if kind == ReceiptKind.SEEN:
        updates.filter(delivered_at__isnull=True).update(delivered_at=now)
    told.refresh_from_db()
    live.publish(alert_topic(alert_id), {"type": "alert", "id": int(alert_id)})
    return told


def share_position(partner: Partner, *, lat, lon, crs=Crs.WGS84, consent: bool) -> None:
    """A position the app sends while open, only with the partner's consent."""
    if not consent:
        raise DomainError(AlertError.NO_CONSENT)
    if not partner.can_act:
        raise DomainError(AlertError.NOT_A_PARTNER)
    lat, lon = routing.to_wgs84(lat, lon, crs)
    positions.record(partner.pk, lat, lon, PositionSource.APP)


# -- sightings ------------------------------------------------------------------------------


def submit_sighting(
    partner: Partner,
    alert_id,
    *,
    idempotency_key: str,
    lat: float,
    lon: float,
    crs: str = Crs.WGS84,
    seen_at=None,
    text: str = "",
    photo: bytes | None,
    now=None,
) -> tuple[Sighting, bool]:
    """A sighting, sent exactly once per Idempotency-Key (a retry answers the first)."""
    now = now or timezone.now()
    key = (idempotency_key or "").strip()
    if not key or len(key) > MAX_KEY:
        raise DomainError(AlertError.IDEMPOTENCY_KEY_REQUIRED)
    text = (text or "").strip()
    fingerprint = hashlib.sha256(
        json.dumps([str(alert_id), float(lat), float(lon), str(crs), str(seen_at), text]).encode()
        + (photo or b"")
    ).hexdigest()
    earlier = _earlier_sighting(partner, key, fingerprint)
    if earlier is not None:
        return earlier, False
    if not partner.can_act:
        raise DomainError(AlertError.NOT_A_PARTNER)
    alert = _told_alert(partner, alert_id)
    if not alert.is_active:
        raise DomainError(AlertError.NOT_ACTIVE)
    if not photo:
        raise DomainError(AlertError.NO_PHOTO)
    if len(text) > MAX_SIGHTING_TEXT:
        raise DomainError(AlertError.TEXT_INVALID)
    lat, lon = routing.to_wgs84(lat, lon, crs)
    seen_at = seen_at or now
    if seen_at > now + datetime.timedelta(minutes=5):
        seen_at = now
    processed = process_photo(photo)
    try:
        with transaction.atomic():
            sighting = Sighting(
                alert=alert,
                partner=partner,
                idempotency_key=key,
                request_fingerprint=fingerprint,
                lat=lat,
                lon=lon,
                seen_at=seen_at,
                text=text,
            )
            name = f"{alert.pk}-{partner.pk}-{key[:20]}.jpg"
            sighting.image.save(name, ContentFile(processed.image), save=False)
            sighting.thumbnail.save(name, ContentFile(processed.thumbnail), save=False)
            sighting.group = _group_of(alert, lat, lon, seen_at)
            sighting.save()
            positions.record(partner.pk, lat, lon, PositionSource.SIGHTING, now)
            _publish_staff(alert)
    except IntegrityError:
        earlier = _earlier_sighting(partner, key, fingerprint)
        if earlier is None:
            raise
        return earlier, False
    return sighting, True


def _earlier_sighting(partner, key, fingerprint) -> Sighting | None:
    earlier = Sighting.objects.filter(partner=partner, idempotency_key=key).first()
    if earlier is not None and earlier.request_fingerprint != fingerprint:
        raise DomainError(AlertError.IDEMPOTENCY_KEY_REUSED)
    return earlier


def _told_alert(partner, alert_id) -> Alert:
    alert = Alert.objects.filter(pk=alert_id, told__partner=partner).first()
    if alert is None:
        raise DomainError(AlertError.NOT_FOUND)
    return alert


def _group_of(alert, lat, lon, seen_at) -> Sighting | None:
    """The group of the earliest sighting close in space and time, if any."""
    window = datetime.timedelta(minutes=GROUP_MINUTES)
    for other in Sighting.objects.filter(
        alert=alert, seen_at__range=(seen_at - window, seen_at + window)
    ).order_by("received_at", "id"):
        if positions.distance_m(lat, lon, other.lat, other.lon) <= GROUP_METRES:
            return other.group or other
    return None


def mark_sighting(sighting_id, *, actor, useful: bool) -> Sighting:
    """The operator marks a sighting useful or not; useful earns its partner the alert's
    points once (the ledger's key names the alert)."""
    from gridbee.rewards.actions import earning

    from .queries import alerts_for

    require(actor, Perm.ALERTS_MANAGE)
    with transaction.atomic():
        sighting = (
            Sighting.objects.select_for_update()
            .filter(pk=sighting_id, alert__in=alerts_for(actor))
            .select_related("partner", "alert")
            .first()
        )
        if sighting is None:
            raise DomainError(AlertError.SIGHTING_NOT_FOUND)
        sighting.useful = bool(useful)
        sighting.marked_by = actor
        sighting.save(update_fields=["useful", "marked_by"])
        if useful and sighting.partner.can_act:
            earning.alert_answered(sighting.partner, f"alert:{sighting.alert_id}")
        _publish_staff(sighting.alert)
    return sighting


# -- close ----------------------------------------------------------------------------------


def close(alert_id, *, actor, outcome: str, note: str = "", now=None) -> Alert:
    """结束预警: found, cancelled or false alarm. Everyone told gets the all-clear at once;
    from this moment partners see no name, description or photo of the person (the pages,
    the API and the photo URLs check the status), staff keep them."""
    if outcome not in CLOSING:
        raise DomainError(AlertError.BAD_OUTCOME)
    now = now or timezone.now()
    with transaction.atomic():
        alert = _lock_staff(actor, alert_id)
        _end(alert, outcome, now, actor=actor, note=note)
    return alert


def _end(alert: Alert, outcome: str, now, *, actor, note: str) -> None:
    alert.status = outcome
    alert.closed_at = now
    alert.closed_by = actor
    alert.close_note = (note or "").strip()[:500]
    alert.save(update_fields=["status", "closed_at", "closed_by", "close_note"])
    _cap(alert, CapType.CANCEL, now, note=alert.close_note)
    AlertEvent.objects.create(alert=alert, action=outcome, actor=actor, note=alert.close_note)
    # Those only reached by message get the all-clear the same way.
    body = _("GridBee: the urgent alert near you has ended (%(outcome)s). Thank you.") % {
        "outcome": alert.get_status_display()
    }
    for mobile in Told.objects.filter(alert=alert, messaged_at__isnull=False).values_list(
        "partner__user__mobile", flat=True
    ):
        notify(mobile, body, subject=_("All clear"))
    Told.objects.filter(alert=alert).update(all_clear_at=now)
    _publish_to_told(alert, {"type": "alert_closed", "id": alert.pk, "outcome": outcome})
