"""The reporting API: intake (multipart, idempotent), my reports, categories, photos."""

import datetime

from django.http import FileResponse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from gridbee.cases.errors import EvidenceError
from gridbee.cases.models import Category
from gridbee.core.authz import Access, Perm, needs
from gridbee.core.errors import DomainError
from gridbee.core.media import read_upload
from gridbee.core.numbers import AccuracyM, Latitude, Longitude
from gridbee.core.routers import replica_reads
from gridbee.core.schemas import ErrorOut
from gridbee.geo.choices import Crs
from gridbee.people.auth import LOGGED_IN
from gridbee.people.queries import partner_of

from . import hotline, queries
from .actions import Sender, submit_report
from .schemas import CategoryOut, HotlineIn, MyReportOut, ReportAnswerOut

router = Router(tags=["reports"])
ERRORS = dict.fromkeys((400, 401, 403, 404, 409, 413, 422), ErrorOut)


@router.post(
    "/reports", response={200: ReportAnswerOut, 201: ReportAnswerOut, **ERRORS}, auth=LOGGED_IN
)
@needs(Access.SIGNED_IN)
def create_report(
    request,
    category: Form[str],
    lat: Form[Latitude],
    lon: Form[Longitude],
    photos: File[list[UploadedFile]],
    crs: Form[Crs] = Crs.WGS84,
    accuracy: Form[AccuracyM | None] = None,
    text: Form[str] = "",
    emergency: Form[bool] = False,
    phone_time: Form[datetime.datetime | None] = None,
):
    """Report a problem: 1–3 photos, where, what. Send a fresh `Idempotency-Key` header per
    report and the same one on every retry: 201 creates, 200 repeats the first answer, 422
    refuses the key sent again with a different report."""
    partner = partner_of(request.user)
    if partner is None:
        raise DomainError(EvidenceError.NOT_A_PARTNER)
    answer, created = submit_report(
        Sender.of_partner(partner),
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        category_code=category,
        lat=lat,
        lon=lon,
        crs=crs,
        accuracy_m=accuracy,
        text=text,
        emergency=emergency,
        phone_time=phone_time,
        photos=[read_upload(f) for f in photos],
    )
    return Status(201 if created else 200, answer)


@router.post(
    "/reports/hotline",
    response={200: ReportAnswerOut, 201: ReportAnswerOut, **ERRORS},
    auth=LOGGED_IN,
)
@needs(Perm.CASES_TRIAGE)
def hotline_report(request, body: HotlineIn):
    """A report phoned in to the 24 h hotline (专人专岗应哨), recorded by the operator on duty;
    it then runs as any report. Send an `Idempotency-Key` as for reports."""
    answer, created = hotline.record_call(
        request.user,
        idempotency_key=request.headers.get("Idempotency-Key", "") or body.idempotency_key,
        category_code=body.category,
        lat=body.lat,
        lon=body.lon,
        crs=body.crs,
        urgent=body.urgent,
        text=body.text,
        callback=body.callback,
    )
    return Status(201 if created else 200, answer)


@router.get("/reports/mine", response={200: list[MyReportOut], **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
@replica_reads  # phones poll it; right after their own report the primary answers
def list_my_reports(request, limit: int = Query(50, ge=1, le=200)):
    reports = queries.my_reports(request.user).prefetch_related("photos")[:limit]
    return [
        {
            "id": r.pk,
            "category": r.category.code,
            "category_name": r.category.name,
            "text": r.text,
            "first_report": r.is_first,
            "received_at": r.received_at,
            "case_id": r.case_id,
            "case_status": r.case.status,
            "case_urgency": r.case.urgency,
            "grid_name": r.grid.name if r.grid else None,
            "photo_ids": [p.pk for p in r.photos.all()],
        }
        for r in reports
    ]


@router.get("/categories", response=list[CategoryOut], auth=None)
@needs(Access.ANYONE)
def list_categories(request):
    return list(Category.objects.filter(active=True))


@router.get(
    "/photos/{photo_id}",
    response={200: None, **ERRORS},
    auth=LOGGED_IN,
    openapi_extra={"responses": {200: {"content": {"image/jpeg": {}}}}},
)
@needs(Access.SIGNED_IN)
def get_photo(request, photo_id: int, thumbnail: bool = False):
    """A report photo (JPEG, metadata stripped), for its reporter and for staff of its case."""
    photo = queries.visible_photo(request.user, photo_id)
    # Until the worker has made the thumbnail, the photo itself stands in for it.
    field = photo.thumbnail if thumbnail and photo.thumbnail else photo.image
    return FileResponse(field.open("rb"), content_type="image/jpeg")
