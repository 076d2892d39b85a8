import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from gridbee.core.schemas import Id


class OralClaimIn(Schema):
    """A claim staff record for partners who told it (口头申请, 当场记录)."""

    claimants: list[Id] = Field(min_length=1, max_length=500)
    type: str = Field(max_length=20)
    facts: str = Field(max_length=2000)
    respondent_code: str = Field("", max_length=30)
    respondent_name: str = Field("", max_length=100)
    amount: Decimal | None = Field(None, ge=0, le=10_000_000, decimal_places=2)
    known_on: datetime.date
    job_ended_on: datetime.date | None = None
    idempotency_key: str = Field("", max_length=100, description="or the Idempotency-Key header")


class ClaimStepIn(Schema):
    note: str = Field("", max_length=4000)
    reason: str = Field("", max_length=30)
    department_code: str = Field("", max_length=30, description="dispatch, legal_aid: a body")
    type: str = Field("", max_length=20, description="accept: the claim's type (classified)")
    mediator_id: Id | None = Field(None, description="dispatch of a mediation: the mediator")
    representatives: list[Id] = Field([], max_length=5, description="represent: 3–5 claimants")
    days: int | None = Field(None, ge=1, le=15, description="extend: days, once")
    claimant_consents: bool = False
    respondent_consents: bool = False
    version: int | None = Field(None, description="The case version you saw; 409 if it moved")


class EventOut(Schema):
    kind: str
    label: str
    note: str
    reason: str = Field("", description="The step's reason among its choices, or empty.")
    reason_label: str = ""
    at: datetime.datetime
    actor_role: str | None


class SessionOut(Schema):
    at: datetime.datetime
    minutes: str
    mediator: str


class MediationOut(Schema):
    case_id: int
    serial: str
    status: str
    version: int
    organisation: str | None
    mediator: str | None
    accepted_at: datetime.datetime | None
    due_at: datetime.datetime | None
    extension_days: int
    agreement: str
    claimant_confirmed_at: datetime.datetime | None
    respondent_confirmed_at: datetime.datetime | None
    performance: str
    payment_order_guidance: str | None
    sessions: list[SessionOut]


class ClaimOut(Schema):
    case_id: int
    serial: str
    kind: str  # the case shown: "claim" or "mediation"
    status: str
    version: int
    type: str
    facts: str
    amount: Decimal | None
    respondent: str
    known_on: datetime.date
    limitation: str | None
    limitation_ends_on: datetime.date | None
    oral: bool
    claimants: int
    group: bool
    body: str | None
    due_at: datetime.datetime | None
    rating: str
    opened_at: datetime.datetime
    mine: bool
    mediation: MediationOut | None = None
    events: list[EventOut] = []


class BodyOut(Schema):
    code: str
    name: str
    type: str


class MediatorOut(Schema):
    id: int
    name: str
    conflicted: bool
