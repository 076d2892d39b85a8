"""Failed logins are counted per mobile number and per client address in the cache (Redis when
configured, so every process counts together); past the limit, logins wait out the window."""

from django.core.cache import cache

LIMIT = 5
WINDOW_SECONDS = 15 * 60


def _keys(mobile: str, address: str | None) -> list[str]:
    keys = [f"login-fail:m:{mobile}"]
    if address:
        keys.append(f"login-fail:a:{address}")
    return keys


def is_throttled(mobile: str, address: str | None) -> bool:
    counts = cache.get_many(_keys(mobile, address))
    # An address is shared by many riders behind one carrier NAT: it gets more room.
    return counts.get(f"login-fail:m:{mobile}", 0) >= LIMIT or (
        counts.get(f"login-fail:a:{address}", 0) >= LIMIT * 10
    )


def record_failure(mobile: str, address: str | None) -> None:
    for key in _keys(mobile, address):
        if not cache.add(key, 1, WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, WINDOW_SECONDS)


def clear(mobile: str) -> None:
    cache.delete(f"login-fail:m:{mobile}")
