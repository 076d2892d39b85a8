"""Notices to a user's inbox (not about a case; those are cases.Message), each told live on
the user's topic once its transaction commits."""

from django.utils import timezone

from gridbee.core import live

from .models import Notice


def notify(user, kind: str, text: str, link: str = "") -> Notice:
    notice = Notice.objects.create(recipient=user, kind=kind, text=text[:500], link=link[:200])
    live.publish_on_commit([live.user_topic(user.pk)], {"type": "inbox", "kind": kind})
    return notice


def mark_read(user, *, notice_ids=None, message_ids=None) -> int:
    """Mark the user's own notices and case messages read (all of them when no ids are given);
    returns how many changed."""
    from gridbee.cases.models import Message

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
