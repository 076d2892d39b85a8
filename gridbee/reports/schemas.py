import datetime

from ninja import Schema


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
