"""Every read of alerts, scoped. Staff see the alerts of the counties they serve, whole; a
partner sees only the active alerts they were told of (near them), and of a closed one only
that it ended: no listing or search by name, nothing of the person once it is over."""

from django.db.models import Count, Q, QuerySet

from gridbee.cases.choices import Channel
from gridbee.cases.models import LinkageChannel
from gridbee.core.authz import Perm, Role, has_perm
from gridbee.core.errors import DomainError
from gridbee.people.queries import EVERYWHERE, partner_of, region_scope

from .choices import AlertStatus
from .errors import AlertError
from .models import Alert, AlertPhoto, Sighting, Told


def alert_scope(user) -> str | None:
    """The region prefix whose alerts a staff member manages. A department does so only as
    its county's police (the department of the county's 警情 channel): missing-person alerts
    are the police's to raise; other departments manage none."""
    if not has_perm(user, Perm.ALERTS_MANAGE):
        return None
    if user.role == Role.DEPARTMENT and not (
        user.department_id
        and LinkageChannel.objects.filter(
            county_id=user.department.county_id,
            channel=Channel.POLICE,
            department_id=user.department_id,
        ).exists()
    ):
        return None
    return region_scope(user)


def alerts_for(user) -> QuerySet[Alert]:
    prefix = alert_scope(user)
    if prefix is None:
        return Alert.objects.none()
    if prefix == EVERYWHERE:
        return Alert.objects.all()
    if len(prefix) >= 6:  # a town's staff act for their county's alerts
        return Alert.objects.filter(county_id=f"{prefix[:6]}000000")
    return Alert.objects.filter(county__code__startswith=prefix)


def staff_alert(user, alert_id) -> Alert:
    try:
        return alerts_for(user).get(pk=alert_id)
    except (Alert.DoesNotExist, ValueError, TypeError):
        raise DomainError(AlertError.NOT_FOUND) from None


def counts(alert: Alert) -> dict:
    """How many were told, reached (a page of theirs received it), have seen it, were
    messaged instead."""
    return Told.objects.filter(alert=alert).aggregate(
        told=Count("pk"),
        reached=Count("pk", filter=Q(delivered_at__isnull=False)),
        seen=Count("pk", filter=Q(seen_at__isnull=False)),
        messaged=Count("pk", filter=Q(messaged_at__isnull=False)),
    )


def told_areas(alert: Alert) -> list[dict]:
    """Told partners counted per area (H3 resolution-7 cell): never a position."""
    from .positions import area_centre

    rows = (
        Told.objects.filter(alert=alert, area_cell__isnull=False)
        .values("area_cell")
        .annotate(n=Count("pk"))
        .order_by("area_cell")
    )
    return [{"cell": f"{r['area_cell']:x}", **area_centre(r["area_cell"]), "count": r["n"]}
            for r in rows]  # fmt: skip


def sightings_of(alert: Alert) -> QuerySet[Sighting]:
    return alert.sightings.select_related("partner").order_by("received_at", "id")


def near_me(user) -> QuerySet[Alert]:
    """The partner's active alerts: those they were told of, still running."""
    partner = partner_of(user)
    if partner is None:
        return Alert.objects.none()
    return Alert.objects.filter(told__partner=partner, status=AlertStatus.ACTIVE).prefetch_related(
        "photos"
    )


def told_of(user, alert_id) -> Alert:
    """An alert the partner was told of, active or not (a closed one shows only that it
    ended)."""
    partner = partner_of(user)
    alert = (
        Alert.objects.filter(pk=alert_id, told__partner=partner).first()
        if partner is not None and str(alert_id).isdigit()
        else None
    )
    if alert is None:
        raise DomainError(AlertError.NOT_FOUND)
    return alert


def visible_photo(user, photo_id) -> AlertPhoto:
    """A photo of the person: staff of the county always (audited by the caller), a partner
    told of the alert only while it is active."""
    photo = AlertPhoto.objects.select_related("alert").filter(pk=photo_id).first()
    if photo is not None:
        if alerts_for(user).filter(pk=photo.alert_id).exists():
            return photo
        if photo.alert.is_active and near_me(user).filter(pk=photo.alert_id).exists():
            return photo
    raise DomainError(AlertError.NOT_FOUND)


def visible_sighting(user, sighting_id) -> Sighting:
    """A sighting's photo: the county's staff, or the partner who sent it."""
    sighting = Sighting.objects.filter(pk=sighting_id).first()
    if sighting is not None:
        if alerts_for(user).filter(pk=sighting.alert_id).exists():
            return sighting
        partner = partner_of(user)
        if partner is not None and sighting.partner_id == partner.pk:
            return sighting
    raise DomainError(AlertError.SIGHTING_NOT_FOUND)
