"""The periods figures are published for (today, this month, this quarter, this year, or a
range of dates) and the ones they are compared with: month-on-month (环比, the period before)
and year-on-year (同比, the same period a year earlier)."""

import datetime
from dataclasses import dataclass

from gridbee.core.errors import DomainError

from .errors import StatsError

NAMES = ("today", "month", "quarter", "year")
MAX_DAYS = 3 * 366 + 1


@dataclass(frozen=True)
class Period:
    name: str
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def label(self) -> str:
        if self.start == self.end:
            return f"{self.start:%Y-%m-%d}"
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    @property
    def query(self) -> str:
        return f"{self.start:%Y-%m-%d}..{self.end:%Y-%m-%d}"


def _year_back(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _month_start(day: datetime.date, back: int = 0) -> datetime.date:
    months = day.year * 12 + day.month - 1 - back
    return datetime.date(months // 12, months % 12 + 1, 1)


def parse(raw: str, today: datetime.date) -> Period:
    raw = (raw or "month").strip()
    if raw == "today":
        return Period(raw, today, today)
    if raw == "month":
        return Period(raw, today.replace(day=1), today)
    if raw == "quarter":
        return Period(raw, _month_start(today, (today.month - 1) % 3), today)
    if raw == "year":
        return Period(raw, today.replace(month=1, day=1), today)
    try:
        a, b = raw.split("..")
        start, end = datetime.date.fromisoformat(a), datetime.date.fromisoformat(b)
    except ValueError:
        raise DomainError(StatsError.UNKNOWN_PERIOD) from None
    if end < start or start.year < 2000 or end.year > 2100:
        raise DomainError(StatsError.UNKNOWN_PERIOD)
    if (end - start).days > MAX_DAYS:
        raise DomainError(StatsError.RANGE_TOO_LONG)
    return Period("range", start, end)


def previous(p: Period) -> Period:
    """环比: the period before, of the same span (yesterday; last month to the same day)."""
    if p.name == "today":
        day = p.start - datetime.timedelta(days=1)
        return Period("range", day, day)
    if p.name in ("month", "quarter"):
        months = 1 if p.name == "month" else 3
        start = _month_start(p.start, months)
        span = p.end - p.start
        end = min(start + span, p.start - datetime.timedelta(days=1))
        return Period("range", start, end)
    if p.name == "year":
        return year_on_year(p)
    span = p.end - p.start
    end = p.start - datetime.timedelta(days=1)
    return Period("range", end - span, end)


def year_on_year(p: Period) -> Period:
    """同比: the same period a year earlier."""
    return Period("range", _year_back(p.start), _year_back(p.end))


def bounds(p: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as local moments: from its first day's midnight to the day after its last."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(p.start, datetime.time.min, tz)
    end = datetime.datetime.combine(p.end + datetime.timedelta(days=1), datetime.time.min, tz)
    return start, end
