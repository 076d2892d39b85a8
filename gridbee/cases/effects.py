"""What follows a step on a case: messages to the people it answers to (件件有回应), outbound
notifications, points and cash-reward reviews, live events.

A step writes its timeline event in its own transaction; when anything lasting follows that
kind of event, the event is written with `effects_pending`. The effects are applied after the
step's transaction, in a transaction of their own that also clears the flag, so they land
exactly once: a crash between the step's commit and its effects leaves the event pending for
the sweep (every minute, tasks.py), a retry finds the flag cleared and does nothing, and a
rolled-back step leaves no event and so no effect. Live events carry only ids and go out on
commit, best effort.

Apps above the engine (rewards, later alerts) register what they do on an event here, from
their AppConfig.ready; the engine imports none of them."""

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridbee.core.notify import notify

from . import kinds
from .choices import RejectReason
from .models import CaseEvent, Message

log = logging.getLogger(__name__)

Handler = Callable[[CaseEvent], None]
_handlers: dict[str, list[Handler]] = defaultdict(list)

SWEEP_AFTER = datetime.timedelta(seconds=30)


def on(*event_kinds: str) -> Callable[[Handler], Handler]:
    """Register a handler for events of these kinds. It runs inside the effects' transaction
    and must write through the database only (points, messages, outbox rows); it may be
    called again only if it failed, so a handler need not guard against doubles itself."""

    def register(handler: Handler) -> Handler:
        for kind in event_kinds:
            if handler not in _handlers[kind]:
                _handlers[kind].append(handler)
        return handler

    return register


def has_effects(case, event_kind: str) -> bool:
    return bool(_handlers.get(event_kind)) or event_kind in kinds.of(case).told


def after(events: Iterable[CaseEvent]) -> None:
    """Apply the pending effects of events whose step has just committed. Never raises: the
    step is done; what failed here stays pending for the sweep."""
    for event in events:
        if event is not None and event.effects_pending:
            try:
                apply(event.pk)
            except Exception:
                log.exception("effects of case event %s failed; the sweep will retry", event.pk)


def apply(event_id: int) -> bool:
    """Apply one event's effects if still pending; True if this call applied them."""
    with transaction.atomic():
        event = (
            CaseEvent.objects.select_for_update(of=("self",))
            .select_related("case", "actor")
            .filter(pk=event_id, effects_pending=True)
            .first()
        )
        if event is None:
            return False
        _tell(event)
        for handler in _handlers.get(event.kind, ()):
            handler(event)
        CaseEvent.objects.filter(pk=event.pk).update(effects_pending=False)
    return True


def sweep(
    now: datetime.datetime | None = None, older_than: datetime.timedelta = SWEEP_AFTER
) -> int:
    """Apply what a crash or an error left pending; returns how many events it applied."""
    cutoff = (now or timezone.now()) - older_than
    pending = CaseEvent.objects.filter(effects_pending=True, at__lte=cutoff).order_by("pk")
    applied = 0
    for event_id in list(pending.values_list("pk", flat=True)[:500]):
        try:
            applied += apply(event_id)
        except Exception:
            log.exception("effects of case event %s failed again", event_id)
    return applied


def _tell(event: CaseEvent) -> None:
    """件件有回应: the people the case answers to hear of the steps its kind tells them of."""
    case = event.case
    template = kinds.of(case).told.get(event.kind)
    if template is None:
        return
    reason = case.reject_reason
    text = _(template).format(
        id=case.pk,
        ref=kinds.reference(case),
        reason=RejectReason(reason).label if reason in RejectReason.values else reason,
        department=case.department.name if case.department_id else "",
        note=event.note,
    )[:500]
    for user in kinds.of(case).reporters(case):
        Message.objects.create(recipient=user, case=case, kind=event.kind, text=text)
        notify(user.mobile, text)
