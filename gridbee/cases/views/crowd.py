"""The partner's crowd verification page (众包核查, "passing by? take a photo"): handled cases
near them waiting for a photo of the result, each with a camera button. The phone adds where
the photo was taken (like a report); the server decides whether it counts (crowd.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from gridbee.core.errors import DomainError
from gridbee.core.media import read_upload
from gridbee.core.numbers import AccuracyM, Latitude, Longitude, from_form
from gridbee.geo.choices import Crs

from .. import crowd
from ..errors import CaseError, EvidenceError

MAX_OFFERS = 50
CROWD_TEXT = {
    "located": _("Located (within about %(metres)s m)."),
    "near": _("You are about %(distance)s m from the place: close enough."),
    "far": _("You are about %(distance)s m from the place; go within %(radius)s m."),
    "noLocation": _("Your location is needed: allow it to send a photo."),
}


def _partner(user):
    try:
        return crowd.require_partner(user)
    except DomainError:
        raise PermissionDenied from None


def _page(request, status: int = 200, **extra):
    offers = list(crowd.offers_for(request.user)[:MAX_OFFERS])
    if extra.get("failed_case") not in {case.pk for case in offers}:
        extra["failed_case"] = None  # say it at the top: the case is no longer on the list
    context = {"offers": offers, "crowd_text": {k: str(v) for k, v in CROWD_TEXT.items()}}
    return render(request, "cases/crowd_checks.html", {**context, **extra}, status=status)


@login_required
@require_GET
def crowd_checks(request):
    _partner(request.user)
    return _page(request)


@login_required
@require_POST
def crowd_check(request, case_id: int):
    _partner(request.user)
    post = request.POST
    upload = request.FILES.get("photo")
    try:
        lat = from_form(post.get("lat"), Latitude, field="lat")
        lon = from_form(post.get("lon"), Longitude, field="lon")
        accuracy = from_form(post.get("accuracy"), AccuracyM, field="accuracy")
        if upload is None:
            raise DomainError(EvidenceError.NO_PHOTO)
        if lat is None or lon is None:
            raise DomainError(CaseError.LOCATION_REQUIRED)
        check = crowd.submit_check(
            case_id,
            actor=request.user,
            lat=lat,
            lon=lon,
            crs=post.get("crs") or Crs.WGS84,
            accuracy_m=accuracy,
            photo=read_upload(upload),
        )
    except DomainError as error:
        return _page(request, status=error.status, error=error, failed_case=case_id)
    messages.success(
        request,
        _("Thank you: your photo of case #%(id)s was sent for verification.")
        % {"id": check.case_id},
    )
    return redirect("crowd-checks")
