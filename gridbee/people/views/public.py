"""The public certificate check a QR scan opens."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .. import presenters
from ..models import Certificate

# --- public certificate check ---------------------------------------------------------------


@never_cache
def verify_certificate(request, token: str):
    """What anyone scanning the QR code may know, and nothing more (see verification_out). Never
    cached: a suspension must show at the next scan."""
    certificate = (
        Certificate.objects.select_related("partner__industry", "partner__county")
        .filter(token=token)
        .first()
    )
    context = {"verification": presenters.verification_out(certificate) if certificate else None}
    return render(request, "people/verify.html", context, status=200 if certificate else 404)
