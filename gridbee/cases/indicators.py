"""Indicators per case (案件指标), for the case page, the API and the later dashboards: whether
each step came within its deadline, how often the result was sent back (返工), how often the case
escalated (督办), and what the reporter thought of the result (满意度)."""

from django.utils import timezone

from .choices import CaseEventKind as K
from .models import Case, CaseEvent

# Steps that count against a deadline. Extension requests and decisions are taken while a
# deadline runs but do not end the step it times.
NOT_TIMED = {K.REQUEST_EXTENSION, K.APPROVE_EXTENSION, K.REFUSE_EXTENSION}


def indicators(case: Case, events=None) -> dict:
    """The case's indicators. Pass its events (any order) when they are already loaded."""
    if events is None:
        events = CaseEvent.objects.filter(case=case, on_time__isnull=False).order_by("at", "id")
    timed = sorted(
        (e for e in events if e.on_time is not None and e.kind not in NOT_TIMED),
        key=lambda e: (e.at, e.pk),
    )
    late = sum(1 for e in timed if not e.on_time)
    return {
        "steps": [{"kind": e.kind, "at": e.at, "on_time": e.on_time} for e in timed],
        "steps_on_time": len(timed) - late,
        "steps_late": late,
        # None while no step with a deadline was taken yet.
        "all_on_time": (late == 0) if timed else None,
        "current_step_overdue": bool(
            case.step_deadline_at and case.step_deadline_at < timezone.now()
        ),
        "rework_count": case.rework_count,
        "escalations": case.escalation_count,
        "satisfaction": case.rating or None,
    }
