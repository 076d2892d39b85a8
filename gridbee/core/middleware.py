"""Refuse an oversized request before reading it: a 60 MB upload on a 2-core county server
must cost nothing but its headers."""

import io

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _


def too_large(request) -> JsonResponse:
    """The 413 answer, in the caller's language: both lines of defence answer before
    LocaleMiddleware has chosen one."""
    with translation.override(translation.get_language_from_request(request)):
        return JsonResponse(
            {
                "code": "reports.upload_too_large",
                "message": _("The upload is too large (at most 40 MB in all)."),
            },
            status=413,
        )


class RequestSizeGuard:
    """ASGI middleware, the first line: Django's ASGI handler reads the whole body into a
    temporary file (on disk past FILE_UPLOAD_MAX_MEMORY_SIZE) before any middleware runs, and a
    chunked body declares no length at all. A declared length over MAX_REQUEST_BYTES is
    answered at once, nothing read; a body growing past it is cut off where it crosses: the
    application is told the client left (as if it had), so it drops what it spooled, and the
    413 goes out with the connection closed, the rest never read."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = settings.MAX_REQUEST_BYTES
        if _declared_length(scope) > limit:
            return await _send_too_large(scope, send)
        received = 0
        cut_off = False

        async def bounded_receive():
            nonlocal received, cut_off
            if cut_off:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    cut_off = True
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, bounded_receive, send)
        if cut_off:  # Django answers nothing before it has the whole body
            await _send_too_large(scope, send)


def _declared_length(scope) -> int:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0  # the server refuses a malformed length before we see it
    return 0


async def _send_too_large(scope, send) -> None:
    # A request without its body, enough for Django to read the language wished for.
    response = too_large(ASGIRequest(scope, io.BytesIO()))
    headers = [(k.encode("latin1"), v.encode("latin1")) for k, v in response.items()]
    headers.append((b"content-length", str(len(response.content)).encode()))
    headers.append((b"connection", b"close"))  # the rest of the body is never read
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": response.content})


class RequestSizeLimit:
    """The second line, for the WSGI server and the test client, where no ASGI guard runs:
    a declared length over the limit is refused before the body is parsed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return too_large(request)
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
