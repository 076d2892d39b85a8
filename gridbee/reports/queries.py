"""Reads of reports: a partner sees their own; staff see those of the cases they may see."""

from django.db.models import QuerySet

from gridbee.cases.models import Photo, Report
from gridbee.cases.queries import cases_for
from gridbee.core.errors import DomainError
from gridbee.people.queries import partner_of

from .errors import ReportError


def my_reports(user) -> QuerySet[Report]:
    partner = partner_of(user)
    if partner is None:
        return Report.objects.none()
    return (
        Report.objects.filter(partner=partner)
        .select_related("category", "case", "grid")
        .order_by("-received_at", "-id")
    )


def visible_photo(user, photo_id) -> Photo:
    """A photo for its reporter, or for staff who may see its case; else not found."""
    photo = Photo.objects.select_related("report").filter(pk=photo_id).first()
    partner = partner_of(user)
    allowed = photo is not None and (
        (partner is not None and photo.report.partner_id == partner.pk)
        or cases_for(user).filter(pk=photo.report.case_id).exists()
    )
    if not allowed:
        raise DomainError(ReportError.PHOTO_NOT_FOUND)
    return photo
