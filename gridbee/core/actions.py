"""Writes of the core: facts about this installation."""

from django.db import transaction

from .models import Flag
from .queries import DEMO_FLAG, forget_demo


def mark_demo() -> None:
    """Say that this database holds the demo city, so that every page shows it."""
    Flag.objects.get_or_create(name=DEMO_FLAG)
    transaction.on_commit(forget_demo)
