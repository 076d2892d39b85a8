"""The worker keeps the daily rows: every minute it refigures the cases whose timeline grew and
sums the days marked dirty."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import aggregates


@db_periodic_task(crontab(minute="*"))
def keep_figures():
    aggregates.sweep_timeline()
    aggregates.sum_dirty()
