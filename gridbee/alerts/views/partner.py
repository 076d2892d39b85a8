"""The partner's alert page: the person sought while the alert is active (photo, description,
where and when last seen, contact) and the one-tap sighting form; once it ended, only that it
ended. Partners reach it from the banner; there is no list or search of alerts for them."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridbee.core.errors import DomainError

from .. import presenters, queries

SIGHTING_TEXT = {
    "locating": _("Finding your location…"),
    "located": _("Location found"),
    "noLocation": _("No location yet: allow it, or go outside."),
    "needPhoto": _("Add a photo."),
    "sending": _("Sending…"),
    "sent": _("Sent: thank you. The grid centre sees it now."),
    "queued": _("No network: kept on this phone, sent when the network is back."),
    "refused": _("Could not be sent: %(message)s"),
}


@login_required
def partner_alert(request, alert_id: int):
    try:
        alert = queries.told_of(request.user, alert_id)
    except DomainError:
        raise Http404 from None
    shown = presenters.for_partner(alert)
    config = {
        "alertId": alert.pk,
        "sightingsUrl": reverse("api:send_sighting", args=[alert.pk]),
        "receiptUrl": reverse("api:send_receipt", args=[alert.pk]),
        "text": {k: str(v) for k, v in SIGHTING_TEXT.items()},
    }
    response = render(request, "alerts/partner_alert.html", {"alert": shown, "config": config})
    response["Cache-Control"] = "private, no-store"
    return response
