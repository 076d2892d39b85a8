"""People pages. Public: certificate verification (what a QR scan opens)."""

from django.shortcuts import render

from .models import Certificate
from .presenters import verification_out


def verify_certificate(request, token: str):
    certificate = (
        Certificate.objects.select_related("partner__industry", "partner__county")
        .filter(token=token)
        .first()
    )
    context = {"verification": verification_out(certificate) if certificate else None}
    return render(request, "people/verify.html", context, status=200 if certificate else 404)
