import datetime

from ninja import Schema
from pydantic import Field

from gridbee.core.numbers import Latitude, Longitude
from gridbee.geo.choices import Crs

from .choices import CLOSING, ReceiptKind


class CountsOut(Schema):
    told: int
    reached: int
    seen: int
    messaged: int


class AreaOut(Schema):
    """Told partners counted in one area (never a position)."""

    cell: str
    lat: float
    lon: float
    count: int


class SightingOut(Schema):
    id: int
    lat: float
    lon: float
    seen_at: datetime.datetime
    received_at: datetime.datetime
    text: str
    useful: bool | None
    group_id: int | None
    photo_url: str
    partner_name: str


class AlertOut(Schema):
    """An alert as its county's staff see it, whole."""

    id: int
    kind: str
    status: str
    county: str
    person_name: str
    description: str
    contact: str
    lat: float
    lon: float
    last_seen_at: datetime.datetime
    expires_at: datetime.datetime
    stages: list[list[int | None]]
    stage: int
    radius_m: int | None
    published_at: datetime.datetime
    closed_at: datetime.datetime | None
    close_note: str
    photo_urls: list[str]
    counts: CountsOut


class AlertDetailOut(AlertOut):
    areas: list[AreaOut]
    sightings: list[SightingOut]


class NearAlertOut(Schema):
    """An alert as a partner told of it sees it: the person only while it is active."""

    id: int
    kind: str
    kind_name: str
    status: str
    status_name: str
    active: bool
    person_name: str | None = None
    description: str | None = None
    contact: str | None = None
    lat: float | None = None
    lon: float | None = None
    last_seen_at: datetime.datetime | None = None
    expires_at: datetime.datetime | None = None
    photo_urls: list[str] = []


class UpdateIn(Schema):
    description: str | None = Field(None, max_length=1000)
    expires_at: datetime.datetime | None = None
    note: str = Field("", max_length=500)


class CloseIn(Schema):
    outcome: str = Field(description=" | ".join(CLOSING))
    note: str = Field("", max_length=500)


class MarkIn(Schema):
    useful: bool


class ReceiptIn(Schema):
    kind: ReceiptKind


class PositionIn(Schema):
    lat: Latitude
    lon: Longitude
    crs: Crs = Crs.WGS84
    consent: bool


class SightingAnswerOut(Schema):
    id: int
    alert_id: int
    received_at: datetime.datetime
