"""Recurring activities (e.g. 爱骑日 on the 27th of every month): each occurrence is an activity
of its own, shifted from the first by whole weeks or calendar months. A monthly day the month
lacks (the 31st in April) falls on the month's last day."""

import calendar
import datetime

from django.utils import timezone

from .choices import Recurrence

COUNTS = {Recurrence.WEEKLY: 8, Recurrence.MONTHLY: 6}


def add_months(moment: datetime.datetime, months: int, day: int) -> datetime.datetime:
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(day, calendar.monthrange(year, month)[1]))


def starts(first: datetime.datetime, recurrence: str, count: int | None = None) -> list:
    """The start of every occurrence, the first included, in local time."""
    if not recurrence:
        return [first]
    count = count or COUNTS[recurrence]
    local = timezone.localtime(first)
    if recurrence == Recurrence.WEEKLY:
        return [local + datetime.timedelta(weeks=n) for n in range(count)]
    return [add_months(local, n, local.day) for n in range(count)]
