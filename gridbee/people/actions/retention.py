"""Personal data kept no longer than needed: an application's ID number serves the county's
review (县级审核); once the application is decided and the retention period is over, it goes.
An approved partner's own copy (Partner.id_number, needed for cash payouts) stays."""

import datetime
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ..choices import ApplicationStatus
from ..models import Application

logger = logging.getLogger(__name__)

S = ApplicationStatus
DECIDED = (S.APPROVED, S.DECLINED, S.REJECTED)  # listed, so a new open status is never purged


def purge_application_id_numbers(*, now: datetime.datetime | None = None) -> int:
    """Blanks the ID number of every application decided more than ID_NUMBER_RETENTION_DAYS
    ago and returns how many. A system task: no actor, nothing else of the application
    changes, and running it again does nothing more."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.ID_NUMBER_RETENTION_DAYS)
    # One UPDATE: decided applications are never written again, so nothing races it.
    purged = (
        Application.objects.filter(status__in=DECIDED)
        .filter(Q(decided_at__lt=cutoff) | Q(decided_at__isnull=True, submitted_at__lt=cutoff))
        .exclude(id_number="")
        .update(id_number="")
    )
    if purged:
        logger.info("Blanked the ID number of %d decided applications", purged)
    return purged
