"""Outbound notifications behind one interface. GRIDBEE_NOTIFY_CHANNELS names the channels;
the default, "outbox", only records the message (nothing leaves the intranet)."""

from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class Channel(Protocol):
    name: str

    def send(self, recipient: str, body: str, subject: str = "") -> None: ...


class OutboxChannel:
    def __init__(self, name: str = "sms"):
        self.name = name

    def send(self, recipient: str, body: str, subject: str = "") -> None:
        from .models import OutboxMessage

        OutboxMessage.objects.create(
            channel=self.name, recipient=recipient, subject=subject[:100], body=body[:500]
        )


@cache
def channels() -> tuple[Channel, ...]:
    return tuple(import_string(path)() for path in settings.NOTIFY_CHANNELS)


def notify(recipient: str, body: str, subject: str = "") -> None:
    for channel in channels():
        channel.send(recipient, body, subject)
