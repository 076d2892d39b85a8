"""Throttles. Failed logins are counted by django-axes in the database, for every form that
logs in (web, API token, admin) alike: see the "Logins" block of settings.py and backends.py.
Applications per client address are counted in the cache (Redis when configured, so every
process counts together)."""

import hashlib
import logging

from axes.utils import reset
from django.core.cache import cache

from .validators import normalize_mobile

log = logging.getLogger(__name__)

APPLICATIONS_PER_HOUR = 20


# --- logins ---------------------------------------------------------------------------------


def login_username(request, credentials: dict | None) -> str | None:
    """The account a login attempt is for, as Axes keys it: the mobile number reduced to its
    digits, so "138 0000 0001" typed in the admin and "13800000001" sent by the app count
    together."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("mobile")
    if value is None and request is not None:
        value = request.POST.get("username")
    if value is None:
        return None
    # Axes keeps at most 255 characters; a real number has 11.
    return normalize_mobile(str(value))[:255] or None


def login_refused(request) -> bool:
    """True when authenticate() on this request was refused without hearing the password: the
    account is locked out from this address (set by backends.LoginThrottle)."""
    return bool(getattr(request, "login_throttled", False))


def login_succeeded(mobile: str, address: str | None) -> None:
    """A login that does not go through django.contrib.auth.login() (the API's token) clears
    its own failures here, as Axes does for the others (AXES_RESET_ON_SUCCESS)."""
    if address:  # without one, the reset would clear the account's failures from everywhere
        reset(ip=address, username=mobile)


# --- applications ---------------------------------------------------------------------------


def _key(kind: str, value: str) -> str:
    # Hashed: what people type is not a safe cache key (spaces, length, any character).
    return f"throttle:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def application_allowed(address: str | None) -> bool:
    """Counts an application from this address; False past the hourly limit (spam). With the
    cache out of reach the application goes through: losing the count for a while is better
    than refusing every applicant."""
    if not address:
        return True
    key = _key("apply-address", address)
    try:
        if cache.add(key, 1, 3600):
            return True
        return cache.incr(key) <= APPLICATIONS_PER_HOUR
    except ValueError:  # expired between add and incr
        cache.add(key, 1, 3600)
        return True
    except Exception:
        log.warning("Application throttle skipped: the cache is out of reach", exc_info=True)
        return True
