"""Notices to a user's inbox (not about a case; those are cases.Message), each told live on
the user's topic once its transaction commits."""

from django.utils import timezone

from gridbee.cases.models import Message
from gridbee.core import live
from gridbee.core.errors import DomainError

from .errors import ServicesError
from .models import Notice
from .queries import get_visible

SOURCES = {"notice": Notice, "case": Message}  # an inbox row's source: its model


def notify(user, kind: str, text: str, link: str = "") -> Notice:
    notice = Notice.objects.create(recipient=user, kind=kind, text=text[:500], link=link[:200])
    live.publish_on_commit([live.user_topic(user.pk)], {"type": "inbox", "kind": kind})
    return notice


def mark_read(user, *, notice_ids=None, message_ids=None) -> int:
    """Mark the user's own notices and case messages read (all of them when no ids are given);
    returns how many changed."""
    now = timezone.now()
    notices = Notice.objects.filter(recipient=user, read_at__isnull=True)
    messages = Message.objects.filter(recipient=user, read_at__isnull=True)
    if notice_ids is not None:
        notices = notices.filter(pk__in=notice_ids)
    if message_ids is not None:
        messages = messages.filter(pk__in=message_ids)
    changed = notices.update(read_at=now) + messages.update(read_at=now)
    if changed:
        live.publish_on_commit([live.user_topic(user.pk)], {"type": "inbox", "kind": "read"})
    return changed


def mark_one_read(user, source: str, item_id) -> int:
    """Mark one of the user's messages read (a notice, or a case message: `source` as the
    inbox lists it); someone else's, or none, is not found. Returns 1, or 0 if already read."""
    model = SOURCES.get(source)
    if model is None:
        raise DomainError(ServicesError.NOT_FOUND)
    item = get_visible(model.objects.filter(recipient=user), item_id)
    if model is Notice:
        return mark_read(user, notice_ids=[item.pk], message_ids=[])
    return mark_read(user, notice_ids=[], message_ids=[item.pk])
