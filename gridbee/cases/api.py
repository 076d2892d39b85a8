"""The cases API at intake stage: the emergency queue, triage, merge and split."""

from ninja import Router

from gridbee.core.schemas import ErrorOut
from gridbee.people.auth import LOGGED_IN, require
from gridbee.people.permissions import Perm

from . import actions, queries
from .models import Case
from .schemas import CaseOut, MergeIn, NoteIn, SplitIn

router = Router(tags=["cases"])
ERRORS = dict.fromkeys((400, 401, 403, 404, 409), ErrorOut)


def case_out(case: Case) -> dict:
    return {
        "id": case.pk,
        "category": case.category.code,
        "category_name": case.category.name,
        "status": case.status,
        "urgency": case.urgency,
        "grid_code": case.grid.code if case.grid else None,
        "grid_name": case.grid.name if case.grid else None,
        "region_code": case.region_id,
        "region_name": case.region.name,
        "lat": case.lat,
        "lon": case.lon,
        "report_count": case.report_count,
        "opened_at": case.opened_at,
        "last_report_at": case.last_report_at,
    }


@router.get("/cases/emergencies", response={200: list[CaseOut], **ERRORS}, auth=LOGGED_IN)
def list_open_emergencies(request):
    """Open emergency cases in the caller's area, newest first (平急分流)."""
    require(request, Perm.CASES_VIEW)
    return [case_out(c) for c in queries.open_emergencies(request.user)[:200]]


@router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS}, auth=LOGGED_IN)
def get_case(request, case_id: int):
    require(request, Perm.CASES_VIEW)
    return case_out(queries.visible_case(request.user, case_id))


@router.post("/cases/{case_id}/emergency", response={200: CaseOut, **ERRORS}, auth=LOGGED_IN)
def mark_emergency(request, case_id: int, body: NoteIn):
    require(request, Perm.CASES_VIEW)
    actions.mark_emergency(case_id, actor=request.user, note=body.note)
    return case_out(queries.visible_case(request.user, case_id))


@router.post("/cases/{case_id}/merge", response={200: CaseOut, **ERRORS}, auth=LOGGED_IN)
def merge(request, case_id: int, body: MergeIn):
    """Fold duplicate cases into this one."""
    require(request, Perm.CASES_VIEW)
    actions.merge_cases(case_id, body.source_ids, actor=request.user, note=body.note)
    return case_out(queries.visible_case(request.user, case_id))


@router.post("/cases/{case_id}/split", response={200: CaseOut, **ERRORS}, auth=LOGGED_IN)
def split(request, case_id: int, body: SplitIn):
    """Move some reports of this case into a new case; answers the new case."""
    require(request, Perm.CASES_VIEW)
    new = actions.split_case(case_id, body.report_ids, actor=request.user, note=body.note)
    return case_out(queries.visible_case(request.user, new.pk))
