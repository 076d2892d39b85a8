"""Reads every domain does alike."""

from django.db.models import QuerySet

from .errors import DomainError, ErrorCode


def get_visible(queryset: QuerySet, pk, not_found: ErrorCode):
    """One object of a scoped queryset, or `not_found` for missing and not-yours alike (and
    for a malformed key)."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise DomainError(not_found) from None
