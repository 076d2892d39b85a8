"""Every minute: positions from new reports, radius stages due, expiry, messages to those not
reached live (actions.sweep)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import actions


@db_periodic_task(crontab(minute="*"))
def sweep_alerts():
    actions.sweep()
