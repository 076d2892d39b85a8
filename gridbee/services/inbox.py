"""The inbox's rows: a user's case messages (cases.Message) and notices, newest first."""

from django.urls import reverse

from gridbee.cases.models import Message

from .kinds import STATION_REPORT
from .models import Notice

LIMIT = 100


def items_for(user, limit: int = LIMIT) -> list[dict]:
    messages = (
        Message.objects.filter(recipient=user)
        .select_related("case")
        .order_by("-created_at", "-id")[:limit]
    )
    notices = Notice.objects.filter(recipient=user).order_by("-created_at", "-id")[:limit]
    rows = [
        {"source": "case", "id": m.pk, "kind": m.kind, "text": m.text,
         "link": _case_link(m.case), "created_at": m.created_at,
         "read": m.read_at is not None}
        for m in messages
    ] + [
        {"source": "notice", "id": n.pk, "kind": n.kind, "text": n.text, "link": n.link,
         "created_at": n.created_at, "read": n.read_at is not None}
        for n in notices
    ]  # fmt: skip
    rows.sort(key=lambda r: r["created_at"], reverse=True)
    return rows[:limit]


def _case_link(case) -> str:
    if case.kind == STATION_REPORT:
        return reverse("stations")
    return reverse("reporter-case", args=[case.pk])
