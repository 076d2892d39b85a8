import datetime

from ninja import Schema
from pydantic import Field

from gridbee.core.schemas import Id


class CaseOut(Schema):
    id: int
    category: str
    category_name: str
    status: str
    urgency: str
    grid_code: str | None
    grid_name: str | None
    region_code: str
    region_name: str
    lat: float
    lon: float
    report_count: int
    opened_at: datetime.datetime
    last_report_at: datetime.datetime


class NoteIn(Schema):
    note: str = Field("", max_length=500)


class LinkIn(Schema):
    """五情联动: the lead department's code and the supporting ones'."""

    lead: str = Field(max_length=30)
    supporting: list[str] = Field(default_factory=list, max_length=10)
    note: str = Field("", max_length=500)


class LinkageRowOut(Schema):
    department: str
    channel: str
    lead: bool
    signed: bool
    reported: bool


class MergeIn(Schema):
    source_ids: list[Id] = Field(min_length=1, max_length=50)
    note: str = Field("", max_length=500)


class SplitIn(Schema):
    report_ids: list[Id] = Field(min_length=1, max_length=200)
    note: str = Field("", max_length=500)


class StepIn(Schema):
    note: str = Field("", max_length=500)
    reason: str = Field("", max_length=30)
    department_code: str = Field("", max_length=30)
    extension_minutes: int = Field(0, ge=0, le=60 * 24 * 30)
    version: int | None = Field(None, description="The case version you saw; 409 if it moved")
    # Where the responder stands when marking the arrival (到场): WGS-84 and metres.
    lat: float | None = None
    lon: float | None = None
    accuracy: float | None = Field(None, description="Accuracy of lat/lon in metres")


class CaseStateOut(CaseOut):
    version: int
    department: str | None
    step_deadline_at: datetime.datetime | None
    rework_count: int
    escalation_count: int
    rating: str


class EventOut(Schema):
    id: int
    kind: str
    actor_role: str | None = Field(None, description="Staff only (null for reporters).")
    note: str
    reason: str = Field(
        "", description="The step's reason among its choices (a rejection's, a rating), or empty."
    )
    from_status: str | None = Field(None, description="Staff only (null for reporters).")
    to_status: str
    on_time: bool | None
    at: datetime.datetime
    photo_ids: list[int]


class MessageOut(Schema):
    id: int
    case_id: int
    kind: str
    text: str
    created_at: datetime.datetime
    read: bool


class TimedStepOut(Schema):
    kind: str
    at: datetime.datetime
    on_time: bool


class IndicatorsOut(Schema):
    """Per case: each timed step on time or not, rework (返工), escalations (督办), satisfaction."""

    steps: list[TimedStepOut]
    steps_on_time: int
    steps_late: int
    all_on_time: bool | None
    current_step_overdue: bool
    rework_count: int
    escalations: int
    satisfaction: str | None


class CaseDetailOut(CaseStateOut):
    indicators: IndicatorsOut


class EscalationOut(Schema):
    id: int
    category_name: str
    status: str
    urgency: str
    region_name: str
    department: str | None
    step_deadline_at: datetime.datetime | None
    minutes_late: int = Field(description="0 when the current step is not (yet) overdue")
    escalation_count: int


class CrowdOfferOut(Schema):
    case_id: int
    category_name: str
    grid_name: str | None
    region_name: str
    lat: float
    lon: float
    radius_m: int


class CrowdCheckOut(Schema):
    id: int
    case_id: int
    distance_m: float
    created_at: datetime.datetime
