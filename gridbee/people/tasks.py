"""Background work of the people domain."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .actions import purge_application_id_numbers


@db_periodic_task(crontab(hour="3", minute="45"))
def purge_old_id_numbers():
    """Daily: decided applications past GRIDBEE_ID_NUMBER_RETENTION_DAYS lose their ID number."""
    return purge_application_id_numbers()
