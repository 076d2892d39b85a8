"""Refuse an oversized request before reading it: a 60 MB upload on a 2-core county server
must cost nothing but its headers."""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _


class RequestSizeLimit:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return JsonResponse(
                {
                    "code": "reports.upload_too_large",
                    "message": _("The upload is too large (at most 40 MB in all)."),
                },
                status=413,
            )
        return self.get_response(request)
