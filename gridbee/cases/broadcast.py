"""Live events of cases (core.live carries them): which topics a case's events go to — its
page, the queues it waits in, the people it answers to — and the event itself, sent on
commit. Only ids and names of steps travel; pages fetch the rest, scoped to the viewer."""

import logging

from django.db import transaction

from gridbee.core.live import (
    area_topic,
    case_topic,
    county_topic,
    department_topic,
    grid_topic,
    publish_many,
    user_topic,
)
from gridbee.geo.queries import region_prefix

from . import kinds
from .choices import CaseEventKind
from .models import CaseEvent

log = logging.getLogger(__name__)


# The code prefixes of a town and of a community (province 2, city 2, county 2, town 3,
# community 3 digits): the regions below a county whose staff have queues of their own.
_AREA_PREFIX_LENGTHS = (9, 12)


def case_topics(case) -> list[str]:
    """Every topic whose subscribers may see this case, whoever they are: its page, its county,
    the town and community it waits in, its grid and the department it was sent to. A kind
    that scopes its own cases (Kind.visible: a claim is seen by its claimants, the desk, the
    body and legal aid only) is heard on its own page alone: the queues' topics reach
    everyone on them."""
    topics = [case_topic(case.pk)]
    if _scoped(case):
        return topics
    topics.append(county_topic(case.county_id))
    prefix = region_prefix(case.region_id)
    topics += [area_topic(prefix[:n]) for n in _AREA_PREFIX_LENGTHS if len(prefix) >= n]
    if case.grid_id:
        topics.append(grid_topic(case.grid_id))
    if case.department_id:
        topics.append(department_topic(case.department_id))
    return topics


def case_changed(case, kind: str) -> None:
    """What the closed loop calls when a step is written: on commit, tell the case's page, the
    queues it is in and its reporters. Only ids and names travel; pages fetch the rest."""
    event = {
        "type": "case",
        "id": case.pk,
        "kind": str(kind),
        "status": str(case.status),
        "urgency": str(case.urgency),
        "version": case.version,
    }
    topics = case_topics(case)
    # A department that hands a case back no longer sees it; its other pages must still hear
    # that it left their queue.
    returned_by = None if _scoped(case) else _department_returning(case, kind)
    if returned_by is not None:
        topics.append(department_topic(returned_by))

    def send():
        publish_many([*topics, *(user_topic(u) for u in _reporter_ids(case))], event)

    transaction.on_commit(send)


def _scoped(case) -> bool:
    kind = kinds.get(case.kind)
    return kind is None or kind.visible is not None  # unknown: the narrow side


def _department_returning(case, kind):
    if str(kind) != CaseEventKind.RETURN or case.department_id:
        return None
    try:  # the step was just written by someone of the department
        steps = CaseEvent.objects.filter(case_id=case.pk, kind=CaseEventKind.RETURN)
        return steps.order_by("-pk").values_list("actor__department_id", flat=True).first()
    except Exception:
        log.exception("live: could not find who returned case %s", case.pk)
        return None


def _reporter_ids(case) -> list[int]:
    try:
        return sorted(set(kinds.of(case).reporters(case).values_list("pk", flat=True)))
    except Exception:
        log.exception("live: could not find the reporters of case %s", case.pk)
        return []
