import datetime

from ninja import Schema
from pydantic import Field

from gridbee.core.numbers import Latitude, Longitude
from gridbee.geo.choices import Crs


class CaseBriefOut(Schema):
    id: int
    status: str
    urgency: str
    grid_code: str | None
    grid_name: str | None
    region_code: str
    region_name: str
    fallback: bool


class ReportAnswerOut(Schema):
    """The intake answer; the same again for a retry with the same Idempotency-Key."""

    report_id: int
    first_report: bool
    received_at: datetime.datetime
    case: CaseBriefOut


class CategoryOut(Schema):
    code: str
    name: str
    group: str
    major_class: str
    urgency: str
    handling_minutes: int
    icon: str


class MyReportOut(Schema):
    id: int
    category: str
    category_name: str
    text: str
    first_report: bool
    received_at: datetime.datetime
    case_id: int
    case_status: str
    case_urgency: str
    grid_name: str | None
    photo_ids: list[int]


class HotlineIn(Schema):
    """A report phoned in to the hotline, recorded by the operator on duty."""

    category: str = Field(max_length=50)
    lat: Latitude
    lon: Longitude
    crs: Crs = Crs.WGS84
    urgent: bool = False
    text: str = Field("", max_length=500)
    callback: str = Field("", max_length=20, description="The caller's number, kept private")
    idempotency_key: str = Field(
        "", max_length=100, description="When no Idempotency-Key header is sent"
    )
