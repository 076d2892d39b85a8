"""Reads every domain does alike, and what the core knows about this installation."""

import time

from django.db.models import QuerySet

from .errors import DomainError, ErrorCode
from .models import Flag

DEMO_FLAG = "demo"
DEMO_CHECK_SECONDS = 60.0
_demo: tuple[float, bool] | None = None  # (when it was asked, the answer), per process


def get_visible(queryset: QuerySet, pk, not_found: ErrorCode):
    """One object of a scoped queryset, or `not_found` for missing and not-yours alike (and
    for a malformed key)."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise DomainError(not_found) from None


def is_demo() -> bool:
    """Whether this database holds the demo city (its accounts' password is public). Asked on
    every page for the banner, so each process keeps the answer a minute: a database becomes a
    demo or stops being one only when it is made afresh."""
    global _demo
    now = time.monotonic()
    if _demo is None or now - _demo[0] > DEMO_CHECK_SECONDS:
        _demo = (now, Flag.objects.filter(name=DEMO_FLAG).exists())
    return _demo[1]


def forget_demo() -> None:
    """Ask the database again next time (after the flag was set, or a test's data went)."""
    global _demo
    _demo = None
