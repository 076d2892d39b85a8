"""The photos of alerts and sightings, each served only to who may see it now: a partner
sees the person's photos while the alert is active and never again (no-store, so no copy
stays in a browser or proxy cache); staff of the county keep them, and each look at a closed
alert's photo is written on its timeline."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from gridbee.core.errors import DomainError

from .. import queries
from ..models import AlertEvent


def _file(field, thumbnail: bool):
    response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def alert_photo(request, photo_id: int):
    try:
        photo = queries.visible_photo(request.user, photo_id)
    except DomainError:
        raise Http404 from None
    if not photo.alert.is_active:
        AlertEvent.objects.create(alert=photo.alert, action="photo_viewed", actor=request.user)
    thumbnail = request.GET.get("size") == "thumb"
    return _file(photo.thumbnail if thumbnail else photo.image, thumbnail)


@require_GET
@login_required
def sighting_photo(request, sighting_id: int):
    try:
        sighting = queries.visible_sighting(request.user, sighting_id)
    except DomainError:
        raise Http404 from None
    thumbnail = request.GET.get("size") == "thumb"
    return _file(sighting.thumbnail if thumbnail else sighting.image, thumbnail)
