import datetime

from ninja import Schema
from pydantic import Field


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


class MergeIn(Schema):
    source_ids: list[int] = Field(min_length=1, max_length=50)
    note: str = Field("", max_length=500)


class SplitIn(Schema):
    report_ids: list[int] = Field(min_length=1, max_length=200)
    note: str = Field("", max_length=500)
