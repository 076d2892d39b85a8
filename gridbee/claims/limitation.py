"""The one-year time limit for labour arbitration (仲裁时效, 劳动争议调解仲裁法 art. 27): a year
from when the worker knew or should have known; but pay owed during employment may be claimed
while the job lasts, and up to a year after it ends."""

import datetime
from dataclasses import dataclass

from .choices import ClaimType, Limitation

NEAR_DAYS = 60  # warn two months ahead


@dataclass(frozen=True)
class Warning:
    level: str  # Limitation
    ends_on: datetime.date


def _year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def ends_on(claim_type: str, known_on: datetime.date, job_ended_on=None) -> datetime.date | None:
    """The last day to apply for arbitration; None while it does not run (pay, job ongoing)."""
    if claim_type == ClaimType.PAY:
        return _year_after(job_ended_on) if job_ended_on else None
    return _year_after(known_on)


def warning(claim_type: str, known_on, job_ended_on=None, today=None) -> Warning | None:
    today = today or datetime.date.today()
    last = ends_on(claim_type, known_on, job_ended_on)
    if last is None:
        return None
    if today > last:
        return Warning(Limitation.PAST, last)
    if (last - today).days <= NEAR_DAYS:
        return Warning(Limitation.NEAR, last)
    return None
