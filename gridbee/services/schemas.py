"""The services API's shapes: what a client sends and what it gets back."""

import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from gridbee.core.numbers import AccuracyM, Latitude, Longitude
from gridbee.core.schemas import Id

# --- stations -----------------------------------------------------------------------------------


class StationIn(Schema):
    code: str = Field("", max_length=40)
    name: str = Field(max_length=100)
    kind: str = Field("other", max_length=20)
    services: list[str] = Field(default_factory=list, max_length=20)
    hours: dict[str, str] = Field(
        default_factory=dict,
        description='ISO weekday "1"…"7" and "holiday": "08:00-12:00,14:00-20:00"; "" closed',
    )
    open_24h: bool = False
    address: str = Field("", max_length=200)
    contact: str = Field("", max_length=50)
    lat: Latitude
    lon: Longitude
    last_checked: datetime.date | None = None
    station_id: Id | None = None
    # The administrator's county (a county's code); everyone else's is their own.
    county: str | None = Field(None, max_length=12)


class StationOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    services: list[str]
    hours: dict[str, str]
    open_24h: bool
    today: str
    open_now: bool
    address: str
    contact: str
    lat: float
    lon: float
    last_checked: datetime.date | None
    county_code: str
    station_id: int | None
    active: bool
    photos: list[str] = []


class NearOut(Schema):
    station: StationOut
    distance_m: int
    walk_m: int = Field(description="straight line × 1.3: streets are not straight")
    walk_minutes: int


class ActiveIn(Schema):
    active: bool


class StationReportIn(Schema):
    problem: Literal["closed", "hours", "services", "place", "other"]
    note: str = Field("", max_length=300)


class StationReportOut(Schema):
    id: int
    case_id: int
    station_id: int


class ImportOut(Schema):
    created: int
    updated: int


# --- activities ---------------------------------------------------------------------------------


class ActivityIn(Schema):
    kind: str = Field("other", max_length=20)
    title: str = Field(max_length=100)
    description: str = Field("", max_length=1000)
    place: str = Field("", max_length=200)
    lat: Latitude
    lon: Longitude
    radius_m: int = Field(200, ge=10, le=5000)
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int = Field(ge=1, le=10000)
    signup_opens_at: datetime.datetime | None = None
    signup_closes_at: datetime.datetime | None = None
    points: int | None = Field(None, ge=0, le=1000)
    recurrence: Literal["", "weekly", "monthly"] = ""
    # The administrator's county (a county's code); everyone else's is their own.
    county: str | None = Field(None, max_length=12)


class ActivityOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    description: str
    place: str
    lat: float
    lon: float
    radius_m: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    taken: int
    waiting: int
    signup_opens_at: datetime.datetime
    signup_closes_at: datetime.datetime
    points: int | None
    recurrence: str
    series_id: int | None
    cancelled: bool
    my_status: str | None = None


class SignupOut(Schema):
    id: int
    activity_id: int
    partner_id: int
    partner_name: str
    status: str
    position: int | None = Field(None, description="place on the waiting list, from 1")
    checked_in_at: datetime.datetime | None
    checked_out_at: datetime.datetime | None
    check_in_method: str
    credited_minutes: int


class CheckIn(Schema):
    code: str = Field(max_length=100)
    lat: Latitude
    lon: Longitude
    accuracy: AccuracyM | None = None
    direction: Literal["in", "out"] = "in"


class ScanIn(Schema):
    certificate: str = Field(max_length=300, description="the certificate QR's URL or token")


class CodeOut(Schema):
    code: str
    url: str
    seconds_left: int


class RecordLine(Schema):
    activity_id: int
    title: str
    day: datetime.date
    minutes: int


class RecordOut(Schema):
    partner_id: int
    minutes: int
    hours: float
    certificate_number: str
    certificate_token: str
    lines: list[RecordLine]


class PublicCertificateOut(Schema):
    number: str
    name: str
    county: str
    hours: float
    activities: int
    issued_at: datetime.datetime


# --- rules and shop -----------------------------------------------------------------------------


class RuleChangeOut(Schema):
    at: datetime.datetime
    actor: str
    subject: str
    field: str
    old: str
    new: str


class RulesIn(Schema):
    """Only the fields sent change; the names are EarningRules' own."""

    model_config = {"extra": "forbid"}

    first_report_points: int | None = Field(None, ge=0, le=100_000)
    report_points: int | None = Field(None, ge=0, le=100_000)
    check_in_points: int | None = Field(None, ge=0, le=100_000)
    activity_points: int | None = Field(None, ge=0, le=100_000)
    alert_points: int | None = Field(None, ge=0, le=100_000)
    daily_cap: int | None = Field(None, ge=0, le=100_000)
    grade1_fen: int | None = Field(None, ge=0, le=10_000_000)
    grade2_fen: int | None = Field(None, ge=0, le=10_000_000)
    grade3_fen: int | None = Field(None, ge=0, le=10_000_000)
    grade4_fen: int | None = Field(None, ge=0, le=10_000_000)
    cash_for: Literal["first_emergency", "any_verified"] | None = None
    redemption_days: int | None = Field(None, ge=0, le=92)
    redemption_always_open: bool | None = None
    false_report_limit: int | None = Field(None, ge=0, le=100)
    separate_cash_approval_and_payment: bool | None = None


class RulesOut(Schema):
    first_report_points: int
    report_points: int
    check_in_points: int
    activity_points: int
    alert_points: int
    daily_cap: int
    grade1_fen: int
    grade2_fen: int
    grade3_fen: int
    grade4_fen: int
    cash_for: str
    redemption_days: int
    redemption_always_open: bool
    false_report_limit: int
    separate_cash_approval_and_payment: bool


class ItemIn(Schema):
    name: str | None = Field(None, max_length=100)
    kind: Literal["goods", "service"] | None = None
    description: str | None = Field(None, max_length=500)
    price: int | None = Field(None, ge=0, le=1_000_000)
    stock: int | None = Field(None, ge=0, le=1_000_000)
    per_person_limit: int | None = Field(None, ge=0, le=1000)
    active: bool | None = None
    sort: int | None = Field(None, ge=0, le=10000)


class ItemOut(Schema):
    id: int
    name: str
    kind: str
    description: str
    price: int
    stock: int
    per_person_limit: int | None
    active: bool
    sort: int


# --- teams --------------------------------------------------------------------------------------


class PartnerRef(Schema):
    partner_id: Id


class SquadIn(Schema):
    squad_lead_id: Id | None = Field(None, description="the sub-captain's partner id; null: none")


class MemberMonthOut(Schema):
    partner_id: int
    name: str
    role: str
    squad_lead_id: int | None
    reports: int
    alert_answers: int
    activities: int


class ReferralIn(Schema):
    name: str = Field(max_length=50)
    mobile: str = Field(max_length=20)
    id_number: str = Field(max_length=18)
    station_id: Id
    work_area: str = Field("", max_length=200)
    grid_codes: list[str] = Field(max_length=2)
    note: str = Field("", max_length=300)


class ReferralOut(Schema):
    application_id: int
    status: str


class TeamRuleIn(Schema):
    station_id: Id | None = None
    industry_id: Id | None = None


# --- inbox --------------------------------------------------------------------------------------


class InboxItem(Schema):
    source: Literal["case", "notice"]
    id: int
    kind: str
    text: str
    link: str
    created_at: datetime.datetime
    read: bool


class UnreadOut(Schema):
    messages: int
    notices: int
    total: int


class InboxOut(Schema):
    unread: UnreadOut
    items: list[InboxItem]


class ReadIn(Schema):
    notice_ids: list[Id] | None = Field(None, max_length=500)
    message_ids: list[Id] | None = Field(None, max_length=500)


class ReadOut(Schema):
    changed: int
