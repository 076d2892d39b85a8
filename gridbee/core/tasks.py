"""Background work of the core: housekeeping that no request should wait for."""

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="3", minute="30"))
def clear_expired_sessions():
    call_command("clearsessions")
