"""A case's timeline as each audience sees it, for the pages and the API alike.

The reporter (件件有回应) follows what happens to their report: it was accepted, sent to a
department, handled (with the result and its photos), closed. They do not see the county's
internal work: who did it, merges and splits, escalations, extensions, and the notes operators
write to each other (why a case is on hold, why the result was sent back). Staff who may see the
case see every event. The reporter's page and `GET /api/cases/{id}/timeline` both present
through here, so what a reporter can read is decided once."""

from collections.abc import Iterable

from django.db.models import Prefetch

from .choices import CaseEventKind, CaseStatus, Rating, RejectReason
from .models import Case, CaseEvent, EventPhoto

REPORTER, STAFF = "reporter", "staff"

# The steps a reporter sees on their case's timeline.
REPORTER_KINDS = frozenset(
    {
        CaseEventKind.OPENED,
        CaseEventKind.JOINED,
        CaseEventKind.ACCEPT,
        CaseEventKind.REJECT,
        CaseEventKind.DISPATCH,
        CaseEventKind.SIGN,
        CaseEventKind.ARRIVE,
        CaseEventKind.HANDLE,
        CaseEventKind.VERIFY_PASS,
        CaseEventKind.VERIFY_FAIL,
        CaseEventKind.HOLD,
        CaseEventKind.RESUME,
        CaseEventKind.RATE,
        CaseEventKind.REOPEN,
        CaseEventKind.CROWD_CHECK,
    }
)
# Of those, the steps whose note the reporter reads: the department's result and their own
# reopening note, written for them. Every step's reason (a rejection's, a rating) is a choice
# they read, labelled from these.
REPORTER_NOTES = frozenset({CaseEventKind.HANDLE, CaseEventKind.REOPEN})
REASON_CHOICES = {CaseEventKind.REJECT: RejectReason, CaseEventKind.RATE: Rating}
# What each audience gets of an event. The API's EventOut is these but the actor's name (the
# staff page shows it), with null for the staff's fields when a reporter asks.
REPORTER_FIELDS = ("id", "kind", "note", "reason", "to_status", "on_time", "at", "photo_ids")
STAFF_FIELDS = (*REPORTER_FIELDS, "actor_role", "from_status", "actor")
FIELDS = {REPORTER: REPORTER_FIELDS, STAFF: STAFF_FIELDS}


def events_of(case: Case):
    """A case's events in order, with what the presenters read (one query each)."""
    photos = Prefetch("photos", queryset=EventPhoto.objects.order_by("id"))
    return (
        CaseEvent.objects.filter(case=case)
        .select_related("actor")
        .prefetch_related(photos)
        .order_by("at", "id")
    )


def _note_for_reporter(event: CaseEvent) -> str:
    # A rejection's or rating's free text stays with the staff: the reporter reads its reason.
    return event.note if event.kind in REPORTER_NOTES else ""


def _event(event: CaseEvent, audience: str) -> dict:
    every = {
        "id": event.pk,
        "kind": event.kind,
        "note": event.note if audience == STAFF else _note_for_reporter(event),
        "reason": event.reason,
        "to_status": event.to_status,
        "on_time": event.on_time,
        "at": event.at,
        "photo_ids": [p.pk for p in event.photos.all()],
        "actor_role": event.actor_role,
        "from_status": event.from_status,
        "actor": event.actor.name if event.actor else "",
    }
    return {field: every[field] for field in FIELDS[audience]}


def timeline(events: Iterable[CaseEvent], audience: str) -> list[dict]:
    """The events the audience may see, each with only the fields it may see (STAFF_FIELDS or
    REPORTER_FIELDS)."""
    if audience not in FIELDS:
        raise ValueError(audience)
    return [_event(e, audience) for e in events if audience == STAFF or e.kind in REPORTER_KINDS]


def label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def for_page(items: list[dict]) -> list[dict]:
    """A presented timeline with the labels a page shows: nothing is added that the
    presentation did not already give."""
    pages = []
    for item in items:
        reason, status = item["reason"], item["to_status"]
        choices = REASON_CHOICES.get(item["kind"])
        pages.append(
            {
                **item,
                "label": label(CaseEventKind, item["kind"]),
                "note_text": item["note"],
                "reason_text": label(choices, reason) if choices and reason else reason,
                "to_status_label": label(CaseStatus, status) if status else "",
                "actor": item.get("actor", ""),
            }
        )
    return pages
