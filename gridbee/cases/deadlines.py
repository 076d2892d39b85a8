"""Deadlines. Ordinary cases count working time on China's business calendar: working hours on
working days, where weekends and official holidays rest and adjusted Saturdays or Sundays
(调休) work. Emergencies count wall-clock minutes (联勤快反 1-3-5)."""

import datetime
import logging
from functools import lru_cache

import chinese_calendar
from django.conf import settings
from django.utils import timezone

from .choices import CaseStatus as S
from .choices import Urgency

log = logging.getLogger(__name__)


def _periods() -> tuple[tuple[datetime.time, datetime.time], ...]:
    """GRIDBEE_WORK_HOURS, e.g. "08:30-12:00,14:30-18:00"."""
    return _parse_hours(settings.WORK_HOURS)


@lru_cache(maxsize=8)  # by the setting's text: a test that overrides it gets its own hours
def _parse_hours(hours: str) -> tuple[tuple[datetime.time, datetime.time], ...]:
    periods = []
    for part in hours.split(","):
        start, end = (datetime.time.fromisoformat(t.strip()) for t in part.split("-"))
        periods.append((start, end))
    return tuple(periods)


_warned_years: set[int] = set()


@lru_cache(maxsize=4096)
def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # The calendar package knows the State Council's holidays only up to its release:
        # past that, weekdays work until the package is updated.
        if day.year not in _warned_years:  # once per year and process, not once per day
            _warned_years.add(day.year)
            log.warning("no official holiday data for %s; counting weekdays only", day.year)
        return day.weekday() < 5


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)


def add_working_minutes(start: datetime.datetime, minutes: int) -> datetime.datetime:
    """The moment when `minutes` of working time have passed since `start`."""
    moment = _local(start)
    left = datetime.timedelta(minutes=minutes)
    tz = moment.tzinfo
    day = moment.date()
    for _ in range(3660):  # ten years of days: a bound, never reached by real deadlines
        if is_working_day(day):
            for begin, end in _periods():
                period_start = datetime.datetime.combine(day, begin, tz)
                period_end = datetime.datetime.combine(day, end, tz)
                if period_end <= moment:
                    continue
                frm = max(moment, period_start)
                if frm + left <= period_end:
                    return frm + left
                left -= period_end - frm
        day += datetime.timedelta(days=1)
        moment = datetime.datetime.combine(day, datetime.time.min, tz)
    raise ValueError("deadline too far away")


def working_minutes_between(start: datetime.datetime, end: datetime.datetime) -> int:
    """Working minutes from start to end (0 if end is not after start)."""
    start, end = _local(start), _local(end)
    if end <= start:
        return 0
    first, last = start.date(), end.date()
    total = _worked_on(first, start, end)
    if last > first:
        # The days in between are whole: a working day's minutes each (a rebuild measures a
        # million durations; walking their hours took most of its time).
        total += _worked_on(last, start, end)
        between = (first + datetime.timedelta(days=i) for i in range(1, (last - first).days))
        whole = sum(1 for day in between if is_working_day(day))
        total += datetime.timedelta(minutes=whole * working_day_minutes())
    return int(total.total_seconds() // 60)


def _worked_on(day: datetime.date, start: datetime.datetime, end: datetime.datetime):
    """The working time of one day that lies between start and end."""
    total = datetime.timedelta()
    if not is_working_day(day):
        return total
    tz = start.tzinfo
    for begin, finish in _periods():
        a = max(start, datetime.datetime.combine(day, begin, tz))
        b = min(end, datetime.datetime.combine(day, finish, tz))
        if b > a:
            total += b - a
    return total


def deadline(start: datetime.datetime, minutes: int, *, emergency: bool) -> datetime.datetime:
    if emergency:
        return start + datetime.timedelta(minutes=minutes)
    return add_working_minutes(start, minutes)


def step_minutes(urgency: str, step: str) -> int:
    """How long a step may take: minutes for emergencies (1-3-5), working minutes otherwise."""
    if urgency == "emergency":
        return settings.RAPID_RESPONSE_MINUTES[step]
    return settings.ORDINARY_STEP_MINUTES[step]


def due(urgency: str, start: datetime.datetime, minutes: int) -> datetime.datetime:
    return deadline(start, minutes, emergency=urgency == "emergency")


def phase_of(urgency: str, status: str) -> str | None:
    """The phase whose clock runs while a case is in `status`: accepting, dispatching, for an
    emergency a responder on the scene (联勤快反 1-3-5: the "5" runs from dispatch until the
    arrival), then handling. None: no clock runs (on hold, waiting for verification, over)."""
    if status == S.REPORTED:
        return "accept"
    if status == S.ACCEPTED:
        return "dispatch"
    if status in (S.DISPATCHED, S.SIGNED) and urgency == Urgency.EMERGENCY:
        return "on_scene"
    if status in (S.DISPATCHED, S.SIGNED, S.ON_SCENE):
        return "handle"
    return None


def _end_of_day(day: datetime.date, tz) -> datetime.datetime:
    """The last day of a legal period ends at midnight (期间的最后一日的截止时间为二十四时)."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tz)


def working_day_minutes() -> int:
    """The working minutes of one working day (GRIDBEE_WORK_HOURS)."""
    return sum(
        (
            datetime.datetime.combine(datetime.date.min, b)
            - datetime.datetime.combine(datetime.date.min, a)
        ).seconds
        // 60
        for a, b in _periods()
    )


def add_working_days(start: datetime.datetime, days: int) -> datetime.datetime:
    """The end of the `days`-th working day after the day of `start` (that day itself does not
    count, as legal time limits count from the next day): "decided within 3 working days"."""
    moment = _local(start)
    day = moment.date()
    left = days
    for _ in range(3660):
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            left -= 1
            if left <= 0:
                return _end_of_day(day, moment.tzinfo)
    raise ValueError("deadline too far away")


def add_calendar_days(start: datetime.datetime, days: int) -> datetime.datetime:
    """The end of the `days`-th calendar day after the day of `start`; when that day is a rest
    day or holiday, the period ends with the next working day (期间届满的最后一日是法定休假日的，
    以法定休假日后的第一日为期间届满的日期)."""
    moment = _local(start)
    day = moment.date() + datetime.timedelta(days=days)
    for _ in range(60):
        if is_working_day(day):
            return _end_of_day(day, moment.tzinfo)
        day += datetime.timedelta(days=1)
    raise ValueError("deadline too far away")
