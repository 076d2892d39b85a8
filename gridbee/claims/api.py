"""The claims API: partners raise and follow their claims (诉求) and mediations; the county's
desk files and assigns them; bodies answer; mediators mediate; the other party confirms."""

import datetime
from urllib.parse import quote

from django.http import HttpResponse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from gridbee.cases.choices import CaseKind
from gridbee.cases.choices import CaseStatus as S
from gridbee.core.authz import Access, Perm, has_perm, needs
from gridbee.core.errors import DomainError
from gridbee.core.media import read_upload
from gridbee.core.schemas import ErrorOut
from gridbee.people.auth import LOGGED_IN
from gridbee.people.models import User
from gridbee.people.queries import region_scope

from . import actions, kinds, pdf, presenters, queries
from .errors import ClaimError
from .figures import figures
from .schemas import BodyOut, ClaimOut, ClaimStepIn, MediatorOut, OralClaimIn

router = Router(tags=["claims"])
ERRORS = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)
PDF = {"responses": {200: {"content": {"application/pdf": {}}}}}


@router.post("/claims", response={200: ClaimOut, 201: ClaimOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def raise_claim(
    request,
    type: Form[str],
    facts: Form[str],
    known_on: Form[datetime.date],
    respondent_name: Form[str] = "",
    respondent_code: Form[str] = "",
    amount: Form[str] = "",
    job_ended_on: Form[datetime.date | None] = None,
    photos: File[list[UploadedFile]] = None,
):
    """A partner raises their own claim: type, what happened, amount if any, the employer or
    platform, the date they knew, 0–3 evidence photos. Send a fresh `Idempotency-Key` header:
    201 creates, 200 repeats the first answer, 422 refuses a reused key."""
    claim, created = actions.raise_claim(
        request.user,
        type=type,
        facts=facts[:2000],
        respondent_name=respondent_name,
        respondent_code=respondent_code[:30],
        amount=amount[:20],
        known_on=known_on,
        job_ended_on=job_ended_on,
        photos=[read_upload(p) for p in (photos or [])[:3]],
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    return Status(201 if created else 200, presenters.claim_out(claim.case, request.user))


@router.post("/claims/oral", response={201: ClaimOut, 200: ClaimOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.CLAIMS_RECORD)
def record_oral_claim(request, body: OralClaimIn):
    """Staff record a claim partners told them (口头申请, 当场记录), for one or for a group.
    Send an `Idempotency-Key` header."""
    claim, created = actions.raise_claim(
        request.user,
        **body.dict(exclude={"claimants", "idempotency_key"}),
        claimants=body.claimants,
        idempotency_key=request.headers.get("Idempotency-Key", "") or body.idempotency_key,
    )
    return Status(201 if created else 200, presenters.claim_out(claim.case, request.user))


@router.get("/claims/mine", response={200: list[ClaimOut], **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def my_claims(request):
    """The caller's own claims and mediations, newest first, each with its serial number."""
    cases = queries.own_cases(request.user).order_by("-opened_at", "-id")[:100]
    return [presenters.claim_out(c, request.user, events=False) for c in cases]


@router.get("/claims/queue", response={200: list[ClaimOut], **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def queue(
    request,
    kind: CaseKind = CaseKind.CLAIM,
    status: S | None = None,
    limit: int = Query(100, ge=1, le=500),
):
    """The claims (or mediations) the caller handles: the county's desk, a body's, a
    mediation organisation's, the other party's accepted mediations. Empty for others."""
    if kind == CaseKind.REPORT:
        return []
    cases = queries.claims_queue(request.user, kind=kind, status=status or "")[:limit]
    return [presenters.claim_out(c, request.user, events=False) for c in cases]


@router.get("/claims/bodies", response={200: list[BodyOut], **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def bodies(request):
    """The county's table of responsible bodies (labour bureau, union, platforms, streets,
    mediation organisations, legal aid)."""
    county = presenters.county_of(request.user)
    found = queries.bodies(county) if county else []
    return [{"code": b.department.code, "name": b.department.name, "type": b.type} for b in found]


@router.get("/claims/figures", response={200: dict, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.CLAIMS_RECORD)
def claim_figures(request):
    """Received, accepted, resolved, mediation success, on time, days, satisfaction, per type
    and body, for the caller's county (the administrator: everywhere)."""
    prefix = region_scope(request.user)
    return figures(county_id=prefix if prefix else None) if prefix is not None else {}


@router.get("/claims/{case_id}", response={200: ClaimOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def get_claim(request, case_id: int):
    """A claim or mediation with its timeline, for its claimants and the staff it concerns."""
    case, _ = queries.case_for(request.user, case_id)
    return presenters.claim_out(case, request.user)


@router.get(
    "/claims/{case_id}/mediators", response={200: list[MediatorOut], **ERRORS}, auth=LOGGED_IN
)
@needs(Perm.MEDIATIONS_MANAGE)
def mediators(request, case_id: int):
    """The mediators of the mediation's organisation, each with whether a tie to a party
    bars them (回避)."""
    case, _ = queries.case_for(request.user, case_id)
    if case.kind != CaseKind.MEDIATION:
        raise DomainError(ClaimError.NOT_FOUND)
    claim = case.mediation.claim
    found = User.objects.filter(role="mediator", department_id=case.department_id, is_active=True)
    return [
        {"id": u.pk, "name": u.name, "conflicted": kinds.conflicted(u, claim)}
        for u in found.order_by("id")
    ]


@router.post("/claims/{case_id}/steps/{action}", response={200: ClaimOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.BY_STEP)
def take_step(request, case_id: int, action: str, body: ClaimStepIn):
    """One step of a claim or mediation; the kind's table (claims/kinds.py) says who may take
    which from which state. Claims: accept, reject (reason + note), represent, dispatch
    (department_code; a mediation organisation opens a mediation), return, handle (note),
    legal_aid, rate, archive. Mediations: accept (3 working days), reject, represent, dispatch
    (mediator_id), return (the mediator declines, note), session (minutes), extend (days,
    both consents), agree (the agreement), confirm (claimant), countersign (the other party),
    no_agreement, legal_aid, perform (reason), rate, archive."""
    extra = {
        "type": body.type,
        "mediator": body.mediator_id,
        "representatives": body.representatives,
        "days": body.days,
        "claimant_consents": body.claimant_consents,
        "respondent_consents": body.respondent_consents,
    }
    case = actions.act(request.user, case_id, action, note=body.note, reason=body.reason,
                       department_code=body.department_code, version=body.version,
                       extra=extra)  # fmt: skip
    try:
        case = queries.case_for(request.user, case.pk)[0]
    except DomainError:  # a body that handed the claim back no longer sees it
        return presenters.claim_out(case, request.user, events=False)
    return presenters.claim_out(case, request.user)


@router.get(
    "/claims/{case_id}/file.pdf",
    response={200: None, **ERRORS},
    auth=LOGGED_IN,
    openapi_extra=PDF,
)
@needs(Access.SIGNED_IN)
def case_file(request, case_id: int):
    """The printable case file (案卷) of a claim or mediation: parties, facts, timeline,
    minutes, agreement."""
    case, _ = queries.case_for(request.user, case_id)
    return _pdf(pdf.case_file(case), f"{kinds.reference(case)}.pdf")


@router.get(
    "/claims/{case_id}/arbitration.pdf",
    response={200: None, **ERRORS},
    auth=LOGGED_IN,
    openapi_extra=PDF,
)
@needs(Access.SIGNED_IN)
def arbitration_application(request, case_id: int):
    """The pre-filled arbitration application of a mediation referred to arbitration, for its
    claimants (and the county's desk) to print."""
    case, mine = queries.case_for(request.user, case_id)
    mediation = queries.mediation_of(case)
    if mediation is None or not queries.referred(mediation):
        raise DomainError(ClaimError.NOT_REFERRED)
    if not (mine or has_perm(request.user, Perm.CLAIMS_RECORD)):
        raise DomainError(ClaimError.NOT_FOUND)
    return _pdf(pdf.arbitration_application(mediation), f"{mediation.serial}-仲裁申请书.pdf")


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    return response
