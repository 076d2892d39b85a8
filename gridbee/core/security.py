"""What a deployment on an open network needs beyond Django's SecurityMiddleware: a
Content-Security-Policy on every response, and logs that never carry a secret."""

import logging
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_HOST = re.compile(r"^(\*\.)?[A-Za-z0-9.-]+$")


def tile_origin(tile_url: str) -> str | None:
    """The origin base-map tiles come from, as a CSP source: `http://{s}.tiles.lan/{z}/…` →
    `http://*.tiles.lan`. None when there is no tile server or it is this site itself."""
    parts = urlsplit(tile_url)
    if not parts.netloc:
        return None  # no base map, or tiles under a path of this site
    if parts.scheme not in {"http", "https"}:
        raise ImproperlyConfigured("GRIDBEE_TILE_URL must start with http:// or https://")
    host = (parts.hostname or "").replace("{s}", "*")
    if not _HOST.match(host):
        raise ImproperlyConfigured(f"GRIDBEE_TILE_URL has an unusable host name: {tile_url!r}")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def content_security_policy(tile_url: str) -> str:
    # Every script and style sheet is served by GridBee itself (no CDN) and no page has an
    # inline script or event handler, so scripts come from 'self' only. Styles may be inline:
    # two pages carry a <style> block and htmx adds its indicator style; style injection
    # cannot run code. Photos previewed before upload are blob: URLs; Leaflet and Swagger UI
    # draw small icons from data: URLs.
    img = ["'self'", "data:", "blob:"]
    if origin := tile_origin(tile_url):
        img.append(origin)
    directives = {
        "default-src": ["'self'"],
        "img-src": img,
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class ContentSecurityPolicy:
    """Adds the policy to every response (Django 5.2 has no CSP of its own; 6.0 will)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy(settings.TILE_URL)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


REDACTED = "***"
# A query parameter whose name says it is a secret: ?api_key= (Open311), ?token=, ?access_token=,
# ?password=, ?secret=, ?signature=...
_SECRET_PARAMETER = re.compile(
    r"(?i)((?:^|[?&;\s])[^=&;?#\s\"]*(?:token|key|secret|password|signature)[^=&;?#\s\"]*=)"
    r"[^&;#\s\"]*"
)
# Paths that are themselves the secret: an applicant's status link, a certificate's check
# link (its QR code), an Open311 request token.
_SECRET_PATH = re.compile(r"(/(?:apply/status|verify|open311/v2/tokens)/)[^/?#\s\".]+")


def redact(text: str) -> str:
    text = _SECRET_PATH.sub(rf"\g<1>{REDACTED}", text)
    return _SECRET_PARAMETER.sub(rf"\g<1>{REDACTED}", text)


class RedactSecrets(logging.Filter):
    """Rewrites the arguments of a log record (uvicorn's access line is '%s - "%s %s HTTP/%s"
    %d' with the path and query string as an argument) and its message, keeping their shape."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in args)
        elif isinstance(args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in args.items()}
        if not args and isinstance(record.msg, str):  # else a format string: its %s must stay
            record.msg = redact(record.msg)
        return True
