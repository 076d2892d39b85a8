"""Crowd verification (众包核查): a handled case is offered to partners working near it
("passing by? take a photo"). The first photo taken within the category's radius of the case
after its handling counts, once per handling; the operator's verification then confirms it as
its evidence (pass or fail) and the partner hears that their photo was used.

Who is "working near" a case, kept simple: an active partner of the case's county, not one of
its reporters (the check is a second pair of eyes), who is either bound to the case's grid
(就近绑定) or has reported within NEAR_M of the case in the last RECENT_DAYS days. That decides
what they are offered; the photo itself counts only if it is taken within the radius, wherever
the partner usually works."""

import datetime
import math

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from gridbee.cases.models import Report
from gridbee.core.errors import DomainError
from gridbee.core.media import process_photo
from gridbee.core.numbers import AccuracyM, checked
from gridbee.geo.routing import to_wgs84
from gridbee.people.choices import Role
from gridbee.people.models import User
from gridbee.people.queries import partner_of

from . import broadcast, effects
from .actions import record
from .choices import CaseEventKind as K
from .choices import CaseStatus, CrowdOutcome
from .dedup import distance_m
from .errors import CaseError, EvidenceError
from .models import Case, CaseEvent, CrowdCheck, EventPhoto, Message

NEAR_M = 1000  # a recent report this close to a case makes its partner "working near" it
RECENT_DAYS = 14
MAX_PLACES = 20  # recent places considered per partner, about a kilometre apart
_M_PER_DEGREE = 111_320


def _latest_handling() -> Subquery:
    return Subquery(
        CaseEvent.objects.filter(case=OuterRef("pk"), kind=K.HANDLE)
        .order_by("-id")
        .values("pk")[:1]
    )


def waiting_for_check() -> QuerySet[Case]:
    """Handled cases whose latest handling nobody has photographed yet."""
    checked = CrowdCheck.objects.filter(handling_id=OuterRef("latest_handling"))
    return (
        Case.objects.filter(status=CaseStatus.HANDLED)
        .annotate(latest_handling=_latest_handling())
        .exclude(Exists(checked))
    )


def _recent_places(partner, now) -> list[tuple[float, float]]:
    """Where the partner reported lately, one point per ~1 km square."""
    since = now - datetime.timedelta(days=RECENT_DAYS)
    points = (
        Report.objects.filter(partner=partner, received_at__gte=since)
        .order_by("-received_at")
        .values_list("lat", "lon")[:200]
    )
    places = {}
    for lat, lon in points:
        places.setdefault((round(lat, 2), round(lon, 2)), (lat, lon))
    return list(places.values())[:MAX_PLACES]


def _near(lat: float, lon: float) -> Q:
    dlat = NEAR_M / _M_PER_DEGREE
    dlon = NEAR_M / (_M_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return Q(lat__range=(lat - dlat, lat + dlat), lon__range=(lon - dlon, lon + dlon))


def offers_for(user, now: datetime.datetime | None = None) -> QuerySet[Case]:
    """The open verification tasks near this partner (none for anyone else), oldest first."""
    partner = partner_of(user)
    if partner is None or not partner.can_act:
        return Case.objects.none()
    now = now or timezone.now()
    near = Q(grid_id__in=partner.bindings.values("grid_id"))
    for lat, lon in _recent_places(partner, now):
        near |= _near(lat, lon)
    mine = Report.objects.filter(case=OuterRef("pk"), partner=partner)
    return (
        waiting_for_check()
        .filter(near, county_id=partner.county_id)
        .exclude(Exists(mine))
        .select_related("category", "grid", "region")
        .order_by("last_report_at", "id")
    )


def require_partner(user):
    partner = partner_of(user)
    if partner is None:
        raise DomainError(EvidenceError.NOT_A_PARTNER)
    if not partner.can_act:
        raise DomainError(EvidenceError.PARTNER_INACTIVE)
    return partner


def submit_check(
    case_id,
    *,
    actor,
    lat: float,
    lon: float,
    crs: str = "wgs84",
    accuracy_m: float | None = None,
    photo: bytes,
) -> CrowdCheck:
    """A partner's photo of a handled case, taken where they stand. Refused, changing nothing:
    not a partner (403), not a case of their county or one they reported (404), not waiting
    for verification (409), already checked by someone else (409), too far away (400)."""
    partner = require_partner(actor)
    accuracy_m = checked(accuracy_m, AccuracyM, field="accuracy")
    lat, lon = to_wgs84(lat, lon, crs)
    processed = process_photo(photo)
    try:
        with transaction.atomic():
            case = (
                Case.objects.select_for_update()
                .filter(pk=case_id, county_id=partner.county_id)
                .exclude(reports__partner=partner)
                .first()
            )
            if case is None:
                raise DomainError(CaseError.NOT_FOUND)
            if case.status != CaseStatus.HANDLED:
                raise DomainError(CaseError.NOT_WAITING_FOR_CHECK)
            handling = case.events.filter(kind=K.HANDLE).order_by("-id").first()
            if handling is None:
                raise DomainError(CaseError.NOT_WAITING_FOR_CHECK)
            if CrowdCheck.objects.filter(handling=handling).exists():
                raise DomainError(CaseError.ALREADY_CHECKED)
            distance = distance_m(case.lat, case.lon, lat, lon)
            radius = case.category.dedup_radius_m
            if distance > radius:
                error = CaseError.TOO_FAR_TO_CHECK
                raise DomainError(
                    error,
                    error.message % {"distance": round(distance), "radius": radius},
                    distance_m=round(distance, 1),
                    radius_m=radius,
                )
            event = record(case, K.CROWD_CHECK, actor=actor, note=f"{distance:.0f} m")
            name = f"{case.pk}-{event.pk}-crowd.jpg"
            stored = EventPhoto.objects.create(
                event=event,
                image=ContentFile(processed.image, name=name),
                thumbnail=ContentFile(processed.thumbnail, name=name),
                sha256=processed.sha256,
            )
            check = CrowdCheck.objects.create(
                case=case,
                handling=handling,
                event=event,
                photo=stored,
                partner=partner,
                lat=lat,
                lon=lon,
                accuracy_m=accuracy_m,
                distance_m=round(distance, 1),
            )
            broadcast.case_changed(case, K.CROWD_CHECK)
    except IntegrityError:
        # Two photos at the same moment: the database let one in (once per handling).
        raise DomainError(CaseError.ALREADY_CHECKED) from None
    effects.after([event])  # the operators are told once the check has committed
    return check


@effects.on(K.CROWD_CHECK)
def tell_operators(event: CaseEvent) -> None:
    """The county's operators hear a photo waits for their verification: an effect of the
    check's event, applied exactly once after it commits (effects.py)."""
    case = event.case
    text = _("A partner photographed the result of case #{id}: please verify it.").format(
        id=case.pk
    )
    operators = User.objects.filter(role=Role.OPERATOR, region_id=case.county_id, is_active=True)
    Message.objects.bulk_create(
        [Message(recipient=user, case=case, kind=K.CROWD_CHECK, text=text) for user in operators]
    )


def pending_check(case: Case) -> CrowdCheck | None:
    """The photo waiting to be confirmed: the one of the case's latest handling, if any."""
    if case.status != CaseStatus.HANDLED:
        return None
    handling = case.events.filter(kind=K.HANDLE).order_by("-id").values("pk")[:1]
    return (
        CrowdCheck.objects.filter(handling_id__in=handling, outcome="")
        .select_related("photo", "partner")
        .first()
    )


def settle(case: Case, *, passed: bool, actor, now) -> CrowdCheck | None:
    """The operator's verification confirms the photo of this handling, if one came. Called by
    the workflow inside its transaction."""
    check = pending_check(case)
    if check is None:
        return None
    check.outcome = CrowdOutcome.PASSED if passed else CrowdOutcome.FAILED
    check.decided_by, check.decided_at = actor, now
    check.save(update_fields=["outcome", "decided_by", "decided_at"])
    text = _("Your photo of case #{id} was used to verify its result. Thank you!").format(
        id=case.pk
    )
    Message.objects.create(recipient=check.partner.user, case=case, kind=K.CROWD_CHECK, text=text)
    return check


def checks_of(case: Case) -> list[CrowdCheck]:
    """Every photo partners took of this case's results, the latest first; the one waiting for
    the operator's verification is marked `waiting`."""
    pending = pending_check(case)
    checks = list(
        case.crowd_checks.select_related("photo", "partner", "decided_by").order_by(
            "-created_at", "-id"
        )
    )
    for check in checks:
        check.waiting = pending is not None and check.pk == pending.pk
    return checks
