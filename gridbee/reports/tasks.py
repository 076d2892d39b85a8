from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import thumbnails


@db_task(retries=5, retry_delay=1)
def make_photo_thumbnail(photo_id: int) -> None:
    thumbnails.make(photo_id)


@db_periodic_task(crontab(minute="*"))
def sweep_photo_thumbnails() -> None:
    thumbnails.sweep()
