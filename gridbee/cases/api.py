"""The cases API: the emergency queue, triage (merge, split, urgency), the closed loop's steps,
timelines and the messages every reporter gets."""

from typing import Literal

from django.utils import timezone
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from gridbee.core.authz import Access, Perm, needs
from gridbee.core.media import read_upload
from gridbee.core.numbers import AccuracyM, Latitude, Longitude
from gridbee.core.schemas import ErrorOut
from gridbee.geo.choices import Crs
from gridbee.people.auth import LOGGED_IN

from . import actions, crowd, linkage, presenters, queries, workflow
from .choices import CaseEventKind
from .indicators import indicators
from .models import Case, Message
from .schemas import (
    CaseDetailOut,
    CaseOut,
    CaseStateOut,
    CrowdCheckOut,
    CrowdOfferOut,
    EscalationOut,
    EventOut,
    LinkageRowOut,
    LinkIn,
    MergeIn,
    MessageOut,
    NoteIn,
    SplitIn,
    StepIn,
)

router = Router(tags=["cases"])
ERRORS = dict.fromkeys((400, 401, 403, 404, 409), ErrorOut)


def case_out(case: Case) -> dict:
    return {
        "id": case.pk,
        "category": case.category.code,
        "category_name": case.category.name,
        "status": case.status,
        "urgency": case.urgency,
        "grid_code": case.grid.code if case.grid else None,
        "grid_name": case.grid.name if case.grid else None,
        "region_code": case.region_id,
        "region_name": case.region.name,
        "lat": case.lat,
        "lon": case.lon,
        "report_count": case.report_count,
        "opened_at": case.opened_at,
        "last_report_at": case.last_report_at,
    }


@router.get("/cases/emergencies", response={200: list[CaseOut], **ERRORS}, auth=LOGGED_IN)
@needs(Perm.CASES_VIEW)
def list_open_emergencies(request):
    """Open emergency cases in the caller's area, newest first (平急分流)."""
    return [case_out(c) for c in queries.open_emergencies(request.user)[:200]]


@router.get("/cases/escalations", response={200: list[EscalationOut], **ERRORS}, auth=LOGGED_IN)
@needs(Perm.CASES_SUPERVISE)
def list_escalations(request):
    """Open cases of the supervisor's county that escalated or are overdue (督办), the longest
    overdue first. For the county's reviewers (and the administrator)."""
    now = timezone.now()
    return [
        {
            "id": c.pk,
            "category_name": c.category.name,
            "status": c.status,
            "urgency": c.urgency,
            "region_name": c.region.name,
            "department": c.department.name if c.department else None,
            "step_deadline_at": c.step_deadline_at,
            "minutes_late": queries.minutes_late(c, now),
            "escalation_count": c.escalation_count,
        }
        for c in queries.escalations_for(request.user, now)[:500]
    ]


@router.get("/cases/{case_id}", response={200: CaseDetailOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.CASES_VIEW)
def get_case(request, case_id: int):
    """A case with its state and its indicators (on time per step, rework, escalations,
    satisfaction)."""
    case = _fresh(queries.visible_case(request.user, case_id).pk)
    return {**state_out(case), "indicators": indicators(case)}


@router.post("/cases/{case_id}/emergency", response={200: CaseOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.CASES_TRIAGE)
def mark_emergency(request, case_id: int, body: NoteIn):
    actions.mark_emergency(case_id, actor=request.user, note=body.note)
    return case_out(queries.visible_case(request.user, case_id))


@router.post(
    "/cases/{case_id}/linkage", response={200: list[LinkageRowOut], **ERRORS}, auth=LOGGED_IN
)
@needs(Perm.CASES_TRIAGE)
def dispatch_linked(request, case_id: int, body: LinkIn):
    """五情联动: dispatch an accepted emergency to a lead department and supporting ones."""
    case = linkage.dispatch_linked(
        case_id, actor=request.user, lead=body.lead, supporting=body.supporting, note=body.note
    )
    return linkage.linkage_of(case)


@router.post(
    "/cases/{case_id}/support/{action}",
    response={200: list[LinkageRowOut], **ERRORS},
    auth=LOGGED_IN,
)
@needs(Perm.CASES_HANDLE)
def support_step(request, case_id: int, action: Literal["sign", "report"], body: NoteIn):
    """A supporting department of a linked case signs for it, or reports (with a note)."""
    support = linkage.support_step(case_id, action, actor=request.user, note=body.note)
    return linkage.linkage_of(support.case)


@router.post("/cases/{case_id}/merge", response={200: CaseOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.CASES_TRIAGE)
def merge(request, case_id: int, body: MergeIn):
    """Fold duplicate cases into this one."""
    actions.merge_cases(case_id, body.source_ids, actor=request.user, note=body.note)
    return case_out(queries.visible_case(request.user, case_id))


@router.post("/cases/{case_id}/split", response={200: CaseOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.CASES_TRIAGE)
def split(request, case_id: int, body: SplitIn):
    """Move some reports of this case into a new case; answers the new case."""
    new = actions.split_case(case_id, body.report_ids, actor=request.user, note=body.note)
    return case_out(queries.visible_case(request.user, new.pk))


def _fresh(pk: int) -> Case:
    return Case.objects.select_related("category", "grid", "region", "department").get(pk=pk)


def state_out(case: Case) -> dict:
    return {
        **case_out(case),
        "version": case.version,
        "department": case.department.name if case.department else None,
        "step_deadline_at": case.step_deadline_at,
        "rework_count": case.rework_count,
        "escalation_count": case.escalation_count,
        "rating": case.rating,
    }


StepName = Literal[tuple(a for a in workflow.STEPS if a != CaseEventKind.HANDLE)]


@router.post(
    "/cases/{case_id}/steps/{action}", response={200: CaseStateOut, **ERRORS}, auth=LOGGED_IN
)
@needs(Access.BY_STEP)
def take_step(request, case_id: int, action: StepName, body: StepIn):
    """Move a case along the closed loop (立案, 派遣, 签收, 到场, 核查…); the table in workflow.py
    says who may take which step from which state. Send `version` to detect concurrent edits;
    `arrive` (到场) needs where the responder stands: lat, lon and accuracy."""
    queries.refuse_scoped_kinds(case_id)  # claims and mediations step through /api/claims
    case = workflow.act(
        case_id,
        action,
        actor=request.user,
        note=body.note,
        reason=body.reason,
        department_code=body.department_code,
        extension_minutes=body.extension_minutes,
        lat=body.lat,
        lon=body.lon,
        accuracy_m=body.accuracy,
        version=body.version,
    )
    return state_out(
        Case.objects.select_related("category", "grid", "region", "department").get(pk=case.pk)
    )


@router.post("/cases/{case_id}/handle", response={200: CaseStateOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.BY_STEP)
def handle(
    request,
    case_id: int,
    note: Form[str],
    photos: File[list[UploadedFile]],
    version: Form[int | None] = None,
):
    """The department reports the result (处置完毕): a note and 1–3 photos."""
    queries.refuse_scoped_kinds(case_id)
    case = workflow.act(
        case_id,
        CaseEventKind.HANDLE,
        actor=request.user,
        note=note,
        photos=[read_upload(p) for p in photos[:4]],
        version=version,
    )
    return state_out(
        Case.objects.select_related("category", "grid", "region", "department").get(pk=case.pk)
    )


@router.get("/cases/{case_id}/timeline", response={200: list[EventOut], **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def timeline(request, case_id: int):
    """The case's steps (件件有回应). Staff who may see the case get every event; its reporters
    get what their case page shows them: the steps that concern them, the notes written for
    them, and no `actor_role` or `from_status` (null)."""
    case, audience = queries.timeline_audience(request.user, case_id)
    return presenters.timeline(presenters.events_of(case), audience)


@router.get("/messages", response={200: list[MessageOut], **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def my_messages(request, unread: bool = False):
    """The caller's in-app messages about cases, newest first."""
    messages = Message.objects.filter(recipient=request.user)
    if unread:
        messages = messages.filter(read_at__isnull=True)
    return [
        {
            "id": m.pk,
            "case_id": m.case_id,
            "kind": m.kind,
            "text": m.text,
            "created_at": m.created_at,
            "read": m.read_at is not None,
        }
        for m in messages[:200]
    ]


@router.get("/crowd-checks/offers", response={200: list[CrowdOfferOut], **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def list_crowd_offers(request):
    """Handled cases near the calling partner waiting for a photo of the result (众包核查:
    "passing by? take a photo"). Empty for partners with nothing near; 403 for others."""
    crowd.require_partner(request.user)
    return [
        {
            "case_id": c.pk,
            "category_name": c.category.name,
            "grid_name": c.grid.name if c.grid else None,
            "region_name": c.region.name,
            "lat": c.lat,
            "lon": c.lon,
            "radius_m": c.category.dedup_radius_m,
        }
        for c in crowd.offers_for(request.user)[:100]
    ]


@router.post(
    "/cases/{case_id}/crowd-check", response={201: CrowdCheckOut, **ERRORS}, auth=LOGGED_IN
)
@needs(Access.SIGNED_IN)
def submit_crowd_check(
    request,
    case_id: int,
    lat: Form[Latitude],
    lon: Form[Longitude],
    photo: File[UploadedFile],
    crs: Form[Crs] = Crs.WGS84,
    accuracy: Form[AccuracyM | None] = None,
):
    """A partner's photo of a handled case's result, taken where they stand: the first within
    the category's radius after the handling counts; the operator's verification confirms it.
    409 when the case is not waiting for verification or was already checked; 400 with the
    distance when the photo was taken too far away."""
    check = crowd.submit_check(
        case_id,
        actor=request.user,
        lat=lat,
        lon=lon,
        crs=crs,
        accuracy_m=accuracy,
        photo=read_upload(photo),
    )
    return Status(
        201,
        {
            "id": check.pk,
            "case_id": check.case_id,
            "distance_m": check.distance_m,
            "created_at": check.created_at,
        },
    )
