"""Background work of rewards."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .periods import previous_month
from .statements import generate_month


@db_periodic_task(crontab(day="1", hour="2", minute="15"))
def monthly_statements():
    """一月一统计: on the 1st, the statements of the month just over. Safe to run again: each
    statement is rewritten with the same numbers."""
    return generate_month(previous_month(timezone.localdate()))
