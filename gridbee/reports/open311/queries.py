"""Reads for Open311: the GET requests filters as the spec gives them (service_request_id,
service_code, start_date, end_date, status; by default the last 90 days, at most 1000).

Every lookup, by filters, by id or by token, goes through public_requests (no private category,
no county whose feed is off) and the same date window: ids alone do not reach further back."""

import datetime
import re
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from gridbee.cases.choices import OPEN_STATUSES
from gridbee.cases.models import CaseEvent, Open311Client, Report
from gridbee.core.errors import DomainError

from ..models import Open311Settings
from .errors import Open311Error

MAX_RESULTS = 1000
MAX_SPAN = datetime.timedelta(days=90)
STATUSES = ("open", "closed")
# "+08:00" sent unencoded in a query string arrives as " 08:00".
_UNENCODED_OFFSET = re.compile(r" (\d\d:?\d\d)$")


@dataclass(frozen=True)
class Filters:
    ids: tuple[int, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    statuses: tuple[str, ...] = ()


def public_requests(viewer: Open311Client | None = None) -> QuerySet[Report]:
    """The reports other systems may see, as service requests with what their output needs:
    never one of a private category (Category.is_public); none of a county whose public feed
    is off (Open311Settings), except to the client that sent it."""
    last_event = CaseEvent.objects.filter(case=OuterRef("case")).order_by("-at").values("at")[:1]
    closed = Open311Settings.objects.filter(public_feed=False).values("county_id")
    shown = ~Q(case__county_id__in=closed)
    if viewer is not None:
        shown |= Q(client=viewer)
    return (
        Report.objects.filter(shown, category__is_public=True)
        .select_related("category", "case")
        .annotate(last_event_at=Subquery(last_event))
    )


def find_request(report_id: str, *, viewer: Open311Client | None, now: datetime.datetime) -> Report:
    """One request by its id, within the default window (as a list without dates)."""
    valid = report_id.isascii() and report_id.isdigit() and len(report_id) <= 18
    reports = in_window(public_requests(viewer), now - MAX_SPAN, None)
    report = reports.filter(pk=int(report_id)).first() if valid else None
    if report is None:
        raise DomainError(Open311Error.REQUEST_NOT_FOUND)
    return report


def token_exists(report_id: int, *, viewer: Open311Client | None, now: datetime.datetime) -> bool:
    """Whether a token's request is one this caller may look up (as find_request)."""
    reports = in_window(public_requests(viewer), now - MAX_SPAN, None)
    return reports.filter(pk=report_id).exists()


def parse_filters(query: QueryDict, *, now: datetime.datetime) -> Filters:
    start, end = _window(query, now)
    ids = _ids(query.get("service_request_id", ""))
    if ids:
        # The spec: service_request_id overrides the other arguments. Not the window: ids
        # would otherwise reach every request ever made, 1000 at a time.
        return Filters(ids=ids, start=start, end=end)
    statuses = _items(query.get("status", ""))
    if any(s not in STATUSES for s in statuses):
        raise DomainError(Open311Error.BAD_STATUS)
    return Filters(
        service_codes=_items(query.get("service_code", "")),
        start=start,
        end=end,
        statuses=statuses,
    )


def _window(query: QueryDict, now: datetime.datetime):
    """start_date and end_date, at most 90 days apart; by default the last 90 days."""
    start, end = _date(query.get("start_date")), _date(query.get("end_date"))
    if start is None and end is None:
        start, end = now - MAX_SPAN, None
    elif start is None:
        start = end - MAX_SPAN
    elif end is None:
        end = min(now, start + MAX_SPAN) if start < now else None
    if end is not None and (start > end or end - start > MAX_SPAN):
        raise DomainError(Open311Error.DATE_RANGE)
    return start, end


def in_window(reports: QuerySet[Report], start, end) -> QuerySet[Report]:
    if start is not None:
        reports = reports.filter(received_at__gte=start)
    if end is not None:
        reports = reports.filter(received_at__lte=end)
    return reports


def service_requests(filters: Filters, *, viewer: Open311Client | None = None) -> list[Report]:
    reports = in_window(public_requests(viewer), filters.start, filters.end)
    if filters.ids:
        reports = reports.filter(pk__in=filters.ids)
    if filters.service_codes:
        reports = reports.filter(category__code__in=filters.service_codes)
    if set(filters.statuses) == {"open"}:
        reports = reports.filter(case__status__in=OPEN_STATUSES)
    elif set(filters.statuses) == {"closed"}:
        reports = reports.exclude(case__status__in=OPEN_STATUSES)
    return list(reports.order_by("-received_at", "-id")[:MAX_RESULTS])


def _items(raw: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item.strip() for item in raw.split(",") if item.strip()))


def _ids(raw: str) -> tuple[int, ...]:
    items = _items(raw)
    if not all(item.isascii() and item.isdigit() and len(item) <= 18 for item in items):
        raise DomainError(Open311Error.BAD_REQUEST_ID)
    return tuple(int(item) for item in items[:MAX_RESULTS])


def _date(raw: str | None) -> datetime.datetime | None:
    """A W3C datetime (with its offset; without one, the server's time zone), or a date."""
    raw = (raw or "").strip()
    if not raw:
        return None
    raw = _UNENCODED_OFFSET.sub(r"+\1", raw) if "T" in raw else raw
    try:
        value = parse_datetime(raw)
        if value is None and (day := parse_date(raw)) is not None:
            value = datetime.datetime.combine(day, datetime.time.min)
    except ValueError:
        value = None
    if value is None or not 1900 <= value.year <= 2999:  # also keeps date arithmetic in range
        raise DomainError(Open311Error.BAD_DATE)
    return timezone.make_aware(value) if timezone.is_naive(value) else value
