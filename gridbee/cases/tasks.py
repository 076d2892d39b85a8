"""Background work of the closed loop."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import effects
from .workflow import escalate_overdue


@db_periodic_task(crontab(minute="*"))
def sweep_overdue_steps():
    """Every minute: overdue steps escalate (emergencies count in minutes)."""
    escalate_overdue()


@db_periodic_task(crontab(minute="*"))
def apply_pending_effects():
    """Every minute: what followed a step but did not land (a crash, an error) lands now."""
    effects.sweep()
