"""Activities over JSON: the county's calendar, publishing, sign-up and the waiting list,
check-in and out on the spot, the organiser's code and scans, volunteer records."""

from django.urls import reverse
from django.utils import timezone
from ninja import Router, Status

from gridbee.core.authz import Access, Perm, needs
from gridbee.core.errors import DomainError
from gridbee.core.schemas import ErrorOut, Id
from gridbee.people.auth import LOGGED_IN
from gridbee.people.queries import partner_of
from gridbee.people.validators import mask_name

from .. import actions_activities as actions
from .. import volunteer
from ..errors import ServicesError
from ..models import Signup, VolunteerCertificate
from ..presenters import activity_out, signup_out
from ..queries import activities_for, activities_to_manage, get_visible
from ..schemas import (
    ActivityIn,
    ActivityOut,
    CheckIn,
    CodeOut,
    PublicCertificateOut,
    RecordOut,
    ScanIn,
    SignupOut,
)

router = Router(tags=["services"])
ERRORS = dict.fromkeys((400, 401, 403, 404, 409), ErrorOut)


def _mine(user) -> dict:
    partner = partner_of(user)
    if partner is None:
        return {}
    return dict(Signup.objects.filter(partner=partner).values_list("activity_id", "status"))


@router.get("/activities", response={200: list[ActivityOut], **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def list_activities(request, past: bool = False):
    """The county's activities still to come (or `past=true`: those ended), soonest first."""
    now = timezone.now()
    activities = activities_for(request.user)
    activities = (
        activities.filter(ends_at__lt=now).order_by("-starts_at")
        if past
        else activities.filter(ends_at__gte=now)
    )
    mine = _mine(request.user)
    return [activity_out(a, my_status=mine.get(a.pk)) for a in activities[:200]]


@router.post("/activities", response={201: list[ActivityOut], **ERRORS}, auth=LOGGED_IN)
@needs(Perm.ACTIVITIES_MANAGE)
def publish_activity(request, body: ActivityIn):
    """Publish an activity in the caller's county; a recurring one answers with every
    occurrence (weekly: 8, monthly on the same day: 6)."""
    made = actions.publish(body.dict(), actor=request.user)
    return Status(201, [activity_out(a) for a in made])


@router.get("/activities/{activity_id}", response={200: ActivityOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def get_activity(request, activity_id: Id):
    activity = get_visible(activities_for(request.user), activity_id)
    return activity_out(activity, my_status=_mine(request.user).get(activity.pk))


@router.post(
    "/activities/{activity_id}/cancel", response={200: ActivityOut, **ERRORS}, auth=LOGGED_IN
)
@needs(Perm.ACTIVITIES_MANAGE)
def cancel_activity(request, activity_id: Id):
    """Cancel the activity; everyone signed up or waiting is told."""
    return activity_out(actions.cancel_activity(activity_id, actor=request.user))


@router.post(
    "/activities/{activity_id}/signup", response={200: SignupOut, **ERRORS}, auth=LOGGED_IN
)
@needs(Access.SIGNED_IN)
def sign_up(request, activity_id: Id):
    """A place if one is free, else the waiting list (status `waiting`, with its position).
    Sending it again answers the same signup."""
    return signup_out(actions.sign_up(activity_id, actor=request.user))


@router.delete(
    "/activities/{activity_id}/signup", response={200: SignupOut, **ERRORS}, auth=LOGGED_IN
)
@needs(Access.SIGNED_IN)
def cancel_signup(request, activity_id: Id):
    """Give up the place (the first waiting moves up and is told) or the turn on the list."""
    return signup_out(actions.cancel_signup(activity_id, actor=request.user))


@router.post("/activities/{activity_id}/check", response={200: SignupOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def check(request, activity_id: Id, body: CheckIn):
    """Check in (`direction=in`) or out with the venue's code scanned now and the phone's
    position inside the activity's radius (its accuracy counted, up to 150 m). Repeating a
    step changes nothing. Checking out credits the hours when the attendance covers 60% of
    the activity, and the points for attending once."""
    return signup_out(
        actions.check_by_code(
            activity_id,
            actor=request.user,
            code=body.code,
            lat=body.lat,
            lon=body.lon,
            accuracy_m=body.accuracy,
            direction=body.direction,
        )
    )


@router.get("/activities/{activity_id}/code", response={200: CodeOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.ACTIVITIES_MANAGE)
def venue_code(request, activity_id: Id):
    """The code to show at the venue now (it changes every 30 seconds) and its scan URL."""
    answer = actions.current_code(activity_id, actor=request.user)
    path = reverse("activity-check", args=[activity_id])
    answer["url"] = request.build_absolute_uri(f"{path}?code={answer['code']}")
    return answer


@router.post("/activities/{activity_id}/scans", response={200: SignupOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.ACTIVITIES_MANAGE)
def scan_certificate(request, activity_id: Id, body: ScanIn):
    """The organiser scanned a partner's certificate QR: checks them in, later out."""
    return signup_out(
        actions.check_by_certificate(activity_id, body.certificate, actor=request.user)
    )


@router.get(
    "/activities/{activity_id}/signups", response={200: list[SignupOut], **ERRORS}, auth=LOGGED_IN
)
@needs(Perm.ACTIVITIES_MANAGE)
def signups(request, activity_id: Id):
    activity = get_visible(activities_to_manage(request.user), activity_id)
    rows = activity.signups.select_related("partner", "activity").order_by("signed_up_at", "id")
    return [signup_out(s) for s in rows]


@router.get("/me/volunteer", response={200: RecordOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def my_record(request):
    """My volunteer-hour record and certificate number."""
    partner = partner_of(request.user)
    if partner is None:
        raise DomainError(ServicesError.NOT_A_PARTNER)
    record = volunteer.record_of(partner)
    certificate = volunteer.certificate_for(partner)
    return {
        "partner_id": partner.pk,
        "minutes": record["minutes"],
        "hours": record["hours"],
        "certificate_number": certificate.number,
        "certificate_token": certificate.token,
        "lines": record["lines"],
    }


@router.get(
    "/volunteer-certificates/{token}", response={200: PublicCertificateOut, **ERRORS}, auth=None
)
@needs(Access.ANYONE)
def check_certificate(request, token: str):
    """Anyone checks a volunteer certificate through its QR: the name is masked."""
    certificate = (
        VolunteerCertificate.objects.filter(token=token[:40])
        .select_related("partner__county")
        .first()
    )
    if certificate is None:
        raise DomainError(ServicesError.NOT_FOUND)
    record = volunteer.record_of(certificate.partner)
    return {
        "number": certificate.number,
        "name": mask_name(certificate.partner.name),
        "county": certificate.partner.county.name,
        "hours": record["hours"],
        "activities": len(record["lines"]),
        "issued_at": certificate.issued_at,
    }
