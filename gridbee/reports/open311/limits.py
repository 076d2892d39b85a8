"""At most OPEN311_REQUESTS_PER_MINUTE requests a minute per caller, counted in the cache
(Redis when configured, so every process counts together). The caller is the client whose
valid api_key came with the request, else the address it came from: a made-up key counts
against its address, so inventing keys buys no room."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


def caller(request, client) -> str:
    if client is not None:
        return f"client:{client.key_digest}"  # a new key starts a new count
    return f"address:{request.META.get('REMOTE_ADDR') or ''}"


def allow(who: str, *, now: float | None = None) -> tuple[bool, int]:
    """Count one request of this caller: whether it is within the limit, and how many seconds
    until the count starts again (for Retry-After)."""
    limit = settings.OPEN311_REQUESTS_PER_MINUTE
    if limit <= 0:
        return True, 0
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    # Hashed: an address or an id is safe as a key anyway, but the key stays one length.
    key = f"open311:rate:{hashlib.sha256(who.encode()).hexdigest()[:32]}:{window}"
    count = 1
    if not cache.add(key, 1, 2 * WINDOW_SECONDS):
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, 2 * WINDOW_SECONDS)
    return count <= limit, WINDOW_SECONDS - int(now % WINDOW_SECONDS)
