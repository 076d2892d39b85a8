"""The inbox over JSON: case messages and notices together, unread counts, marking read."""

from typing import Literal

from ninja import Router

from gridbee.core.authz import Access, needs
from gridbee.core.schemas import ErrorOut, Id
from gridbee.people.auth import LOGGED_IN

from ..actions_inbox import mark_one_read, mark_read
from ..inbox import items_for
from ..queries import unread_counts
from ..schemas import InboxOut, ReadIn, ReadOut, UnreadOut

router = Router(tags=["services"])
ERRORS = dict.fromkeys((400, 401, 403, 404), ErrorOut)


@router.get("/inbox", response={200: InboxOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def inbox(request):
    """My messages, newest first: case steps (件件有回应) and notices (activities, squads)."""
    return {"unread": unread_counts(request.user), "items": items_for(request.user)}


@router.get("/inbox/unread", response={200: UnreadOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def unread(request):
    return unread_counts(request.user)


@router.post("/inbox/read", response={200: ReadOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def read(request, body: ReadIn):
    """Mark my messages read: the ids given, or all when none are given."""
    if body.notice_ids is None and body.message_ids is None:
        return {"changed": mark_read(request.user)}
    return {
        "changed": mark_read(
            request.user, notice_ids=body.notice_ids or [], message_ids=body.message_ids or []
        )
    }


@router.post("/inbox/{source}/{item_id}/read", response={200: ReadOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def read_one(request, source: Literal["notice", "case"], item_id: Id):
    """Mark one of my messages read: a notice or a case message, as the inbox lists it."""
    return {"changed": mark_one_read(request.user, source, item_id)}
