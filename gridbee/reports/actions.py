"""Intake (随手拍): one function for every way a report arrives (the partner app, Open311).
Cheap checks first, photos next, then one short transaction that files the report into its
case. A retry with the same Idempotency-Key gets the first answer and creates nothing; the
same key with a different request is refused (422), as the IETF Idempotency-Key draft asks."""

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from gridbee.cases.actions import file_report
from gridbee.cases.choices import ReportSource
from gridbee.cases.errors import EvidenceError
from gridbee.cases.models import Case, Category, Photo, Report
from gridbee.core.errors import DomainError
from gridbee.core.media import Processed, process_photo
from gridbee.core.numbers import AccuracyM, checked
from gridbee.core.storage import save_new
from gridbee.core.writers import one_writer
from gridbee.geo import routing
from gridbee.geo.choices import Crs

from . import thumbnails
from .errors import ReportError

log = logging.getLogger(__name__)
MAX_PHOTOS = 3
MAX_TEXT = 500
MAX_KEY = 100


@dataclass(frozen=True)
class Sender:
    """Who reports: an enrolled partner or an Open311 client."""

    source: str
    key: str
    partner: object = None
    client: object = None

    @classmethod
    def of_partner(cls, partner) -> "Sender":
        return cls(ReportSource.APP, f"p:{partner.pk}", partner=partner)

    @classmethod
    def of_client(cls, client) -> "Sender":
        return cls(ReportSource.OPEN311, f"c:{client.pk}", client=client)


def submit_report(
    sender: Sender,
    *,
    idempotency_key: str,
    category_code: str,
    lat: float,
    lon: float,
    crs: str = Crs.WGS84,
    accuracy_m: float | None = None,
    text: str = "",
    emergency: bool = False,
    phone_time=None,
    photos: list[bytes],
) -> tuple[dict, bool]:
    """The intake answer, and whether this call created the report (False on a retry)."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > MAX_KEY:
        raise DomainError(ReportError.IDEMPOTENCY_KEY_REQUIRED)
    text = (text or "").strip()
    fingerprint = request_fingerprint(
        category_code=category_code, lat=lat, lon=lon, crs=crs, accuracy_m=accuracy_m,
        text=text, emergency=emergency, phone_time=phone_time, photos=photos,
    )  # fmt: skip
    earlier = _earlier_answer(sender, key, fingerprint)
    if earlier is not None:
        return earlier, False
    if sender.partner is not None and not sender.partner.can_act:
        raise DomainError(EvidenceError.PARTNER_INACTIVE)
    accuracy_m = checked(accuracy_m, AccuracyM, field="accuracy")
    if len(text) > MAX_TEXT:
        raise DomainError(ReportError.TEXT_TOO_LONG)
    category = Category.objects.filter(code=category_code, active=True).first()
    if category is None:
        raise DomainError(ReportError.UNKNOWN_CATEGORY)
    if not photos and sender.partner is not None:
        # Partners always send a photo; other systems (Open311) may send none, and their
        # media_url is never fetched: no request leaves the intranet.
        raise DomainError(EvidenceError.NO_PHOTO)
    if len(photos) > MAX_PHOTOS:
        raise DomainError(ReportError.TOO_MANY_PHOTOS)
    lat, lon = routing.to_wgs84(lat, lon, crs)
    location = routing.locate(lat, lon)
    _check_area(sender, location)
    # The thumbnails of upright JPEGs (most phone photos) are made by the worker (thumbnails.py).
    processed = [process_photo(data, thumbnail=False) for data in photos]
    # Stored before the transaction, which then holds no lock while they travel to storage;
    # the answer still waits for both. What a failed transaction leaves is removed.
    saved: list[str] = []
    try:
        stored = [_store(photo, saved) for photo in processed]
        with one_writer():
            return _file(sender, key, fingerprint, category, lat, lon, crs, accuracy_m, text,
                         emergency, phone_time, location, stored)  # fmt: skip
    except IntegrityError:
        _discard(saved)
        # The same key sent concurrently: the first one to commit answers for all (the same
        # request), or refuses the others (a different one under that key).
        earlier = _earlier_answer(sender, key, fingerprint)
        if earlier is None:
            raise
        return earlier, False
    except BaseException:
        _discard(saved)
        raise


@dataclass(frozen=True)
class StoredPhoto:
    processed: Processed
    image: str
    thumbnail: str  # "" until the worker has made it


def _store(photo: Processed, saved: list[str]) -> StoredPhoto:
    """The photo (and its thumbnail when it has one) written under new names, each added to
    saved as soon as it is: no report id is needed, so this runs before the transaction."""
    names = []
    for field, data in (("image", photo.image), ("thumbnail", photo.thumbnail)):
        if data:
            saved.append(save_new(Photo._meta.get_field(field), data))
        names.append(saved[-1] if data else "")
    return StoredPhoto(photo, *names)


def _discard(saved: list[str]) -> None:
    """Files no row refers to (their names were new: no one else's). A failure here leaves an
    orphan file, never a report without its photo."""
    storage = Photo._meta.get_field("image").storage
    for name in saved:
        try:
            storage.delete(name)
        except Exception:
            log.warning("an unused photo file is left in storage: %s", name, exc_info=True)


def request_fingerprint(*, category_code, lat, lon, crs, accuracy_m, text, emergency,
                        phone_time, photos: list[bytes]) -> str:  # fmt: skip
    """SHA-256 over the request as intake reads it: the fields normalised (numbers as floats,
    the time in UTC, the text stripped) and each photo's bytes, length first. The photos are
    hashed once, here, from the bytes already in memory."""
    if phone_time is not None and phone_time.utcoffset() is not None:
        phone_time = phone_time.astimezone(datetime.UTC)
    fields = [
        str(category_code),
        float(lat),
        float(lon),
        str(crs),
        None if accuracy_m is None else float(accuracy_m),
        text,
        bool(emergency),
        None if phone_time is None else phone_time.isoformat(),
        len(photos),
    ]
    digest = hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode())
    for data in photos:
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def _earlier_answer(sender: Sender, key: str, fingerprint: str) -> dict | None:
    """The first answer to this key; refused if the first request was another one."""
    row = (
        Report.objects.filter(sender=sender.key, idempotency_key=key)
        .values_list("pk", "received_at", "answer", "request_fingerprint")
        .first()
    )
    if row is None:
        return None
    report_id, received_at, answer, first_fingerprint = row
    if first_fingerprint and first_fingerprint != fingerprint:
        raise DomainError(ReportError.IDEMPOTENCY_KEY_REUSED)
    return _answer(report_id, received_at, answer)


def _answer(report_id: int, received_at, stored: dict) -> dict:
    """The intake answer: the report's own id and time, and what intake stored with it (the
    case as it was then), so the row is written once, complete, in one INSERT."""
    return {
        "report_id": report_id,
        "first_report": stored["first_report"],
        "received_at": received_at.isoformat(),
        "case": stored["case"],
    }


def _check_area(sender: Sender, location) -> None:
    if location.match == "none":
        raise DomainError(ReportError.OUTSIDE_AREA)
    # A partner reports in their own county, where their grid centre can act on it.
    partner = sender.partner
    if partner is not None and partner.county_id not in {r.code for r in location.regions}:
        raise DomainError(ReportError.OUTSIDE_AREA)


@transaction.atomic
def _file(sender, key, fingerprint, category, lat, lon, crs, accuracy_m, text, emergency,
          phone_time, location, stored: list[StoredPhoto]) -> tuple[dict, bool]:  # fmt: skip
    # A retry racing its first request is not looked for again here: the report's unique
    # (sender, key) refuses the second INSERT, which rolls all of this back (see the caller).
    now = timezone.now()
    case, is_first = file_report(
        category=category, lat=lat, lon=lon, location=location, emergency=emergency, now=now
    )
    report = Report.objects.create(
        source=sender.source,
        partner=sender.partner,
        client=sender.client,
        sender=sender.key,
        idempotency_key=key,
        request_fingerprint=fingerprint,
        category=category,
        case=case,
        is_first=is_first,
        emergency_flag=bool(emergency),
        lat=lat,
        lon=lon,
        declared_crs=str(crs),
        accuracy_m=accuracy_m,
        grid_id=case.grid_id if location.grid else None,
        region_id=location.region.code,
        text=text,
        phone_time=phone_time,
        answer=_stored_answer(case, is_first, location),
    )
    if is_first:
        Case.objects.filter(pk=case.pk).update(first_report=report)
    for photo in stored:
        row = Photo.objects.create(
            report=report,
            image=photo.image,
            thumbnail=photo.thumbnail,
            width=photo.processed.width,
            height=photo.processed.height,
            size=len(photo.processed.image),
            sha256=photo.processed.sha256,
        )
        if not photo.thumbnail:
            thumbnails.later(row.pk)
    return _answer(report.pk, report.received_at, report.answer), True


def _stored_answer(case, is_first: bool, location) -> dict:
    grid = location.grid
    return {
        "first_report": is_first,
        "case": {
            "id": case.pk,
            "status": case.status,
            "urgency": case.urgency,
            "grid_code": grid.code if grid else None,
            "grid_name": grid.name if grid else None,
            "region_code": location.region.code,
            "region_name": location.region.name,
            "fallback": location.fallback,
        },
    }


def ensure_default_categories() -> None:
    """The shipped categories (also installed by migration reports/0002)."""
    from .default_categories import install

    install(Category)
