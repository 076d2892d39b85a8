"""Opening hours: per ISO weekday ("1" Monday … "7" Sunday) and for public holidays, each a list
of spans written "08:00-12:00,14:00-20:00" ("" closed; "22:00-06:00" runs past midnight), or
the 24-hour flag. A missing "holiday" entry means the weekday's hours apply on holidays."""

import datetime
import functools
import re

import chinese_calendar

from gridbee.core.errors import DomainError

from .errors import ServicesError

DAYS = ("1", "2", "3", "4", "5", "6", "7")
KEYS = (*DAYS, "holiday")
_SPAN = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


@functools.lru_cache(maxsize=4096)
def parse_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Minutes since midnight (start, end) for each span; DomainError BAD_HOURS otherwise."""
    spans = []
    for part in filter(None, (p.strip() for p in (text or "").replace("，", ",").split(","))):
        match = _SPAN.match(part)
        if not match:
            raise DomainError(ServicesError.BAD_HOURS)
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if start > 24 * 60 or end > 24 * 60 or start == end:
            raise DomainError(ServicesError.BAD_HOURS)
        spans.append((start, end))
    return tuple(spans)


def clean(hours: dict) -> dict:
    """The hours as stored: only known keys, each span list checked and normalised."""
    if not isinstance(hours, dict) or set(hours) - set(KEYS):
        raise DomainError(ServicesError.BAD_HOURS)
    cleaned = {}
    for key in KEYS:
        if key in hours:
            value = hours[key] if isinstance(hours[key], str) else None
            if value is None:
                raise DomainError(ServicesError.BAD_HOURS)
            spans = parse_spans(value)
            cleaned[key] = ",".join(f"{_hm(a)}-{_hm(b)}" for a, b in spans)
    return cleaned


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@functools.lru_cache(maxsize=64)
def is_holiday(day: datetime.date) -> bool:
    """A statutory public holiday (法定节假日), not an ordinary weekend."""
    try:
        holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:  # a year the calendar does not know yet
        return False
    return bool(holiday and name)


def _spans_for(hours: dict, day: datetime.date) -> tuple[tuple[int, int], ...]:
    key = "holiday" if "holiday" in hours and is_holiday(day) else str(day.isoweekday())
    return parse_spans(hours.get(key, ""))


def is_open(hours: dict, open_24h: bool, at: datetime.datetime) -> bool:
    """Open at local time `at`: a span of today, or one of yesterday running past midnight."""
    if open_24h:
        return True
    minute = at.hour * 60 + at.minute
    for start, end in _spans_for(hours, at.date()):
        if (start < end and start <= minute < end) or (start > end and minute >= start):
            return True
    yesterday = at.date() - datetime.timedelta(days=1)
    return any(start > end and minute < end for start, end in _spans_for(hours, yesterday))


def today_text(hours: dict, open_24h: bool, day: datetime.date) -> str:
    if open_24h:
        return "24h"
    key = "holiday" if "holiday" in hours and is_holiday(day) else str(day.isoweekday())
    return hours.get(key, "")
