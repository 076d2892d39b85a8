"""Months and quarters in local time (Asia/Shanghai): statements run by month (一月一统计), the
shop by quarter (一季度一兑换), rankings and payouts by either."""

import datetime
import re

from django.utils import timezone

from gridbee.core.errors import DomainError

from .errors import RewardsError

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def previous_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def quarter_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and the last day of the quarter holding `day`."""
    first = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return first, next_month(next_month(next_month(first))) - datetime.timedelta(days=1)


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month's first instant and the next month's, in local time."""
    return local_midnight(first_of_month(month)), local_midnight(next_month(month))


def parse_month(text: str | None) -> datetime.date | None:
    """ "2026-05" → 2026-05-01; empty → None; anything else → INVALID_MONTH."""
    if not text:
        return None
    match = MONTH.match(text.strip())
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
        raise DomainError(RewardsError.INVALID_MONTH)
    return datetime.date(int(match[1]), int(match[2]), 1)
