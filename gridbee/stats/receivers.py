"""The figures follow every step of the closed loop at once (after its commit, through the
engine's effects), so the dashboards' live part and the 大屏 show a case closing as it closes.
Steps written outside the workflow (openings, merges) are picked up by the worker's sweep of the
timeline (tasks.py)."""

import logging

from django.db import transaction

from gridbee.cases import effects
from gridbee.cases.choices import CaseEventKind as K
from gridbee.core import live

from . import aggregates

log = logging.getLogger(__name__)

# The steps workflow.act and the escalation write (their effects run after their commit);
# a claim reuses these names, so its steps are counted too.
STEPS = tuple(
    k
    for k in K.values
    if k not in {K.OPENED, K.JOINED, K.MERGED, K.SPLIT, K.MARKED_EMERGENCY, K.CROWD_CHECK}
)


@effects.on(*STEPS)
def refigure_case(event) -> None:
    # Figures must never hold back what else follows a step (points, messages): on an error
    # the worker's sweep refigures the case a minute later.
    try:
        with transaction.atomic():
            aggregates.refigure([event.case_id])
    except Exception:
        log.exception("stats: could not refigure case %s; the sweep will", event.case_id)
        return
    # On a topic of its own: the queues' consoles need not hear that figures changed.
    live.publish_on_commit([figures_topic(event.case.county_id)], {"type": "stats"})


def figures_topic(county: str) -> str:
    """The large screens of a county: told when its figures changed (after the step's
    effects, so a screen that reads them then sees the step)."""
    return f"stats:{county}"
