"""Reads where they belong: with a streaming replica configured (GRIDBEE_DATABASE_REPLICA_URL,
alias ``replica``) the heavy reads, the views marked ``@replica_reads`` (dashboards, exports,
rankings, Open311 lists), run on the replica; everything else, every write and every read
inside a transaction stays on the primary.

Read-your-writes: a replica is a little behind, so whoever has just written (any request that
is not GET/HEAD/OPTIONS) reads from the primary for ``settings.READ_YOUR_WRITES_SECONDS``
afterwards. The mark is a cache key per account (a phone with a token keeps no cookie) and a
cookie for a browser, both set by the ``ReadYourWrites`` middleware. Without a replica this
module changes nothing."""

import contextlib
import functools
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections

REPLICA = "replica"
COOKIE = "gridbee_primary_until"
_heavy: ContextVar[bool] = ContextVar("gridbee_heavy_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _heavy.get() or not replica_configured():
            return None
        if connections["default"].in_atomic_block:  # it may read its own uncommitted rows
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA


@contextmanager
def heavy_reads():
    """Reads in this block may go to the replica (not for a view: use ``replica_reads``)."""
    token = _heavy.set(True)
    try:
        yield
    finally:
        _heavy.reset(token)


def replica_reads(view):
    """A view whose reads go to the replica, unless its caller has just written."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in {"GET", "HEAD"} or wrote_recently(request):
            return view(request, *args, **kwargs)
        with heavy_reads():
            return view(request, *args, **kwargs)

    return wrapper


def _key(user_id) -> str:
    return f"read-your-writes:{user_id}"


def wrote_recently(request) -> bool:
    try:
        if float(request.COOKIES.get(COOKIE, "0")) > time.time():
            return True
    except ValueError:
        pass
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        try:
            return bool(cache.get(_key(user.pk)))
        except Exception:  # a cache out of reach: the primary is always right
            return True
    return False


class ReadYourWrites:
    """Marks the caller of every writing request so that their next reads see the write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in {"GET", "HEAD", "OPTIONS"} or not replica_configured():
            return response
        seconds = settings.READ_YOUR_WRITES_SECONDS
        response.set_cookie(
            COOKIE, f"{time.time() + seconds:.0f}", max_age=seconds, httponly=True,
            samesite="Lax", secure=settings.HTTPS,
        )  # fmt: skip
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            with contextlib.suppress(Exception):  # the cookie still holds for a browser
                cache.set(_key(user.pk), 1, seconds)
        return response
