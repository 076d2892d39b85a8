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


class RejectNulCharacters:
    """No text a person types contains U+0000, and PostgreSQL cannot store it: a request
    carrying one in its path, query or form fields gets a clear 400, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._carries_nul(request):
            return JsonResponse(
                {"code": "invalid_input", "message": _("The request contains a NUL character.")},
                status=400,
            )
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if request.method not in {"POST", "PUT", "PATCH"}:
            return False
        kind = request.META.get("CONTENT_TYPE", "")
        if kind.startswith("application/json"):
            body = request.body
            return b"\\u0000" in body or b"\x00" in body
        if kind.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            try:
                return any("\x00" in v for vs in request.POST.lists() for v in vs[1])
            except Exception:  # a malformed body is the view's to refuse
                return False
        return False
