"""Report photos' thumbnails, made by the worker off the request's critical path: intake
checks and strips the photo and commits; the thumbnail (a decode at 1/8 scale, a resize, an
encode and one more write to storage) follows within a second. Until it exists the photo
itself is served in its place (api.get_photo). A task runs before the report's transaction has
committed is retried; one lost with a killed worker is made by the minute's sweep."""

import datetime
import logging

from django.utils import timezone

from gridbee.cases.models import Photo
from gridbee.core.errors import DomainError
from gridbee.core.media import make_thumbnail
from gridbee.core.storage import save_new

log = logging.getLogger(__name__)
SWEEP_AFTER = datetime.timedelta(seconds=60)


class NotYetCommitted(Exception):
    """The photo's row is not visible yet: the task is retried."""


def later(photo_id: int) -> None:
    from .tasks import make_photo_thumbnail

    make_photo_thumbnail(photo_id)


def make(photo_id: int) -> bool:
    """Makes one photo's thumbnail if it has none; True if this call made it."""
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None:
        raise NotYetCommitted(photo_id)
    if photo.thumbnail:
        return False
    with photo.image.open("rb") as f:
        stored = f.read()
    try:
        data = make_thumbnail(stored)
    except DomainError:
        # It passed intake's checks but does not decode: the photo stands in for itself.
        log.warning("photo %s does not decode; it is its own thumbnail", photo_id)
        return bool(Photo.objects.filter(pk=photo_id, thumbnail="").update(thumbnail=photo.image))
    saved = save_new(photo.thumbnail.field, data)  # its own name: a losing run deletes only its own
    made = Photo.objects.filter(pk=photo_id, thumbnail="").update(thumbnail=saved)
    if not made:  # another run was first
        photo.thumbnail.storage.delete(saved)
    return bool(made)


def sweep(now: datetime.datetime | None = None) -> int:
    """Thumbnails that a lost task left unmade; returns how many it made."""
    cutoff = (now or timezone.now()) - SWEEP_AFTER
    waiting = Photo.objects.filter(thumbnail="", report__received_at__lte=cutoff).order_by("pk")
    made = 0
    for photo_id in list(waiting.values_list("pk", flat=True)[:500]):
        try:
            made += make(photo_id)
        except Exception:
            log.exception("the thumbnail of photo %s failed again", photo_id)
    return made
