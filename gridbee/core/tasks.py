"""Background work of the core: housekeeping that no request should wait for, and the
consumer's heartbeat (see heartbeat.py), which the health check reads."""

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, on_shutdown, on_startup

from . import heartbeat


@db_periodic_task(crontab(hour="3", minute="30"))
def clear_expired_sessions():
    call_command("clearsessions")


# Run by a consumer only (each of its workers, as it starts and stops), never by app processes.
@on_startup()
def start_heartbeat():
    heartbeat.start_beating()


@on_shutdown()
def stop_heartbeat():
    heartbeat.stop_beating()
