"""Counting attempts in the cache (Redis when configured, so every process counts together):
failed logins per mobile number and per client address, and applications per address."""

import hashlib

from django.core.cache import cache

LIMIT = 5
WINDOW_SECONDS = 15 * 60
# An address is shared by many riders behind one carrier NAT: it gets more room.
ADDRESS_LIMIT = LIMIT * 10
APPLICATIONS_PER_HOUR = 20


def _key(kind: str, value: str) -> str:
    # Hashed: what people type is not a safe cache key (spaces, length, any character).
    return f"throttle:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _count(key: str) -> int:
    return cache.get(key, 0)


def _hit(key: str, window: int) -> None:
    if not cache.add(key, 1, window):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, window)


def is_throttled(mobile: str, address: str | None) -> bool:
    if _count(_key("login-mobile", mobile)) >= LIMIT:
        return True
    return bool(address) and _count(_key("login-address", address)) >= ADDRESS_LIMIT


def record_failure(mobile: str, address: str | None) -> None:
    _hit(_key("login-mobile", mobile), WINDOW_SECONDS)
    if address:
        _hit(_key("login-address", address), WINDOW_SECONDS)


def clear(mobile: str) -> None:
    cache.delete(_key("login-mobile", mobile))


def application_allowed(address: str | None) -> bool:
    """Counts an application from this address; False past the hourly limit (spam)."""
    if not address:
        return True
    key = _key("apply-address", address)
    if _count(key) >= APPLICATIONS_PER_HOUR:
        return False
    _hit(key, 3600)
    return True
