"""Background work of the closed loop."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .workflow import escalate_overdue


@db_periodic_task(crontab(minute="*"))
def sweep_overdue_steps():
    """Every minute: overdue steps escalate (emergencies count in minutes)."""
    escalate_overdue()
