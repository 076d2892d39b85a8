"""Alerts as the API and the pages show them, to staff (whole) and to partners (the person
only while the alert is active)."""

from django.urls import reverse

from . import queries
from .actions import current_radius
from .models import Alert


def photo_urls(alert: Alert) -> list[str]:
    return [reverse("alert-photo", args=[p.pk]) for p in alert.photos.all()]


def for_staff(alert: Alert, *, detail: bool = False) -> dict:
    out = {
        "id": alert.pk,
        "kind": alert.kind,
        "status": alert.status,
        "county": alert.county_id,
        "person_name": alert.person_name,
        "description": alert.description,
        "contact": alert.contact,
        "lat": alert.lat,
        "lon": alert.lon,
        "last_seen_at": alert.last_seen_at,
        "expires_at": alert.expires_at,
        "stages": alert.stages,
        "stage": alert.stage,
        "radius_m": current_radius(alert),
        "published_at": alert.published_at,
        "closed_at": alert.closed_at,
        "close_note": alert.close_note,
        "photo_urls": photo_urls(alert),
        "counts": queries.counts(alert),
    }
    if detail:
        out["areas"] = queries.told_areas(alert)
        out["sightings"] = [sighting(s) for s in queries.sightings_of(alert)]
    return out


def sighting(s) -> dict:
    return {
        "id": s.pk,
        "lat": s.lat,
        "lon": s.lon,
        "seen_at": s.seen_at,
        "received_at": s.received_at,
        "text": s.text,
        "useful": s.useful,
        "group_id": s.group_id,
        "photo_url": reverse("sighting-photo", args=[s.pk]),
        "partner_name": s.partner.name,
    }


def for_partner(alert: Alert) -> dict:
    out = {
        "id": alert.pk,
        "kind": alert.kind,
        "kind_name": str(alert.get_kind_display()),
        "status": alert.status,
        "status_name": str(alert.get_status_display()),
        "active": alert.is_active,
    }
    if alert.is_active:
        out.update(
            person_name=alert.person_name,
            description=alert.description,
            contact=alert.contact,
            lat=alert.lat,
            lon=alert.lon,
            last_seen_at=alert.last_seen_at,
            expires_at=alert.expires_at,
            photo_urls=photo_urls(alert),
        )
    return out
