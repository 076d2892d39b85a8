"""Background work of mediations."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .actions import refer_due


@db_periodic_task(crontab(minute="*/5"))
def refer_overdue_mediations():
    """Every five minutes: mediations past their 15 (+15) days without agreement are referred
    to arbitration (转仲裁), and the claimant can print the application."""
    refer_due()
