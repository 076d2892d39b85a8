"""Cases with their timelines written in bulk, step by step as the workflow writes them (the
same events, statuses, deadlines-met flags and case fields), for the demo's year of history,
the benchmark's million and the indicator tests. Nothing here decides who may act: it is
history, written as it would have been."""

import datetime
from dataclasses import dataclass, field

from gridbee.cases import kinds
from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.choices import Urgency
from gridbee.cases.models import Case, CaseEvent

from .contributions import insert_rows

# What each step moves the case to (the photo reports' table, kinds.REPORT_STEPS).
TARGET = {
    "accept": S.ACCEPTED, "reject": S.REJECTED, "dispatch": S.DISPATCHED, "return": S.ACCEPTED,
    "sign": S.SIGNED, "arrive": S.ON_SCENE, "handle": S.HANDLED, "verify_pass": S.CLOSED,
    "verify_fail": S.SIGNED, "hold": S.ON_HOLD, "reopen": S.ACCEPTED,
}  # fmt: skip


@dataclass
class Plan:
    """One case: where, what, and its steps as (action, moment or minutes after opening, on
    time, note)."""

    county: str
    region: str
    opened_at: datetime.datetime
    steps: list[tuple] = field(default_factory=list)
    grid_id: int | None = None
    category_id: int | None = None
    department_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    h3_cell: int | None = None
    kind: str = "report"


def _event(kind, at, on_time=None, from_status="", to_status="", note="", reason="") -> dict:
    return {"kind": kind, "at": at, "on_time": on_time, "from_status": from_status,
            "to_status": to_status, "note": note, "reason": reason, "actor_id": None,
            "actor_role": "", "effects_pending": False}  # fmt: skip


def write(plans: list[Plan], batch: int = 2000) -> list[int]:
    """Write the cases and their timelines; returns the case ids."""
    ids = []
    for start in range(0, len(plans), batch):
        chunk = plans[start : start + batch]
        cases, timelines = [], []
        for plan in chunk:
            case, events = _build(plan)
            cases.append(case)
            timelines.append(events)
        Case.objects.bulk_create(cases, batch_size=batch)
        if cases and cases[0].pk is None:  # a backend that returns no ids: read them back
            opened = [c.opened_at for c in cases]
            pks = list(
                Case.objects.filter(opened_at__in=opened)
                .order_by("-pk")
                .values_list("pk", flat=True)[: len(cases)]
            )
            for case, pk in zip(cases, reversed(pks), strict=True):
                case.pk = pk
        events = []
        for case, timeline in zip(cases, timelines, strict=True):
            for event in timeline:
                event["case_id"] = case.pk
                events.append(event)
        insert_rows(CaseEvent, events, batch=batch * 3)
        ids += [c.pk for c in cases]
    return ids


def _build(plan: Plan) -> tuple[Case, list[dict]]:
    status, rework, closed_at, rating, department = S.REPORTED, 0, None, "", None
    reject_reason = ""
    steps = kinds.get(plan.kind).steps
    events = [_event("opened", plan.opened_at)]
    for action, minutes, on_time, note in plan.steps:
        if isinstance(minutes, datetime.datetime):
            at = minutes
        else:
            at = plan.opened_at + datetime.timedelta(minutes=minutes)
        source = status
        target = TARGET.get(action)
        if action == "resume":
            target = S.ACCEPTED
        if target is not None:
            status = target
        if action == "verify_fail":
            rework += 1
        if action in ("verify_pass", "reject"):
            closed_at = at
        if action == "reject":
            reject_reason = note
        if action == "reopen":
            closed_at, rating = None, ""
        if action == "rate":
            rating = note
        if action == "dispatch":
            department = plan.department_id
        # A step that takes a reason (a rejection's, a rating) gets the plan's text as one.
        reason, note = (note, "") if action in steps and steps[action].reasons else ("", note)
        events.append(_event(action, at, on_time, source, status, note or "", reason))
    case = Case(
        kind=plan.kind, category_id=plan.category_id, status=status, urgency=Urgency.ORDINARY,
        grid_id=plan.grid_id, region_id=plan.region, county_id=plan.county, lat=plan.lat,
        lon=plan.lon, h3_cell=plan.h3_cell, report_count=1, opened_at=plan.opened_at,
        last_report_at=plan.opened_at, closed_at=closed_at, version=len(plan.steps),
        department_id=department, rework_count=rework, rating=rating, reject_reason=reject_reason,
        escalation_count=sum(1 for s in plan.steps if s[0] == "escalate"),
    )  # fmt: skip
    return case, events
