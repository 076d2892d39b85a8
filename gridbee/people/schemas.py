import datetime

from ninja import Schema
from pydantic import Field


class TokenIn(Schema):
    mobile: str = Field(max_length=20)
    password: str = Field(max_length=128)


class TokenOut(Schema):
    token: str
    expires_at: datetime.datetime


class ApplicationIn(Schema):
    name: str = Field(min_length=1, max_length=50)
    mobile: str = Field(max_length=20)
    id_number: str = Field(max_length=18)
    password: str = Field(min_length=1, max_length=128)
    station_id: int
    work_area: str = Field(min_length=1, max_length=200)
    # 就近绑定: one or two grid codes; none answers 400 people.no_grid.
    grid_codes: list[str] = Field(default_factory=list, max_length=5)
    accepted_rules: bool


class StepOut(Schema):
    action: str
    actor_role: str
    note: str
    at: datetime.datetime


class ApplicationCreatedOut(Schema):
    id: int
    status: str
    status_token: str = Field(description="Keep it: the applicant's link to follow the application")


class ApplicationStatusOut(Schema):
    """What the applicant sees of their own application."""

    id: int
    status: str
    name: str
    station: str
    submitted_at: datetime.datetime
    steps: list[StepOut]


class ApplicationOut(Schema):
    id: int
    status: str
    name: str
    mobile: str
    id_number: str
    industry: str
    station: str
    county_code: str
    work_area: str
    grid_codes: list[str]
    submitted_at: datetime.datetime
    steps: list[StepOut]


class DecisionIn(Schema):
    note: str = Field("", max_length=500)


class StatusChangeIn(Schema):
    reason: str = Field(max_length=30)
    note: str = Field("", max_length=500)


class CertificateOut(Schema):
    number: str
    valid_until: datetime.date
    verify_url: str


class PartnerOut(Schema):
    id: int
    name: str
    mobile: str
    id_number: str
    industry: str
    station: str
    county_code: str
    status: str
    grid_codes: list[str]
    certificate: CertificateOut | None
    team: str | None


class PartnerEventOut(Schema):
    action: str
    reason: str
    note: str
    at: datetime.datetime
    actor_role: str


class PartnerDetailOut(PartnerOut):
    events: list[PartnerEventOut]


class MeOut(Schema):
    id: int
    name: str
    mobile: str
    role: str
    region_code: str | None
    partner: PartnerDetailOut | None


class BindingsIn(Schema):
    grid_codes: list[str] = Field(max_length=5)


class TeamMemberOut(Schema):
    partner_id: int
    name: str
    role: str
    leader_partner_id: int | None
    status: str


class TeamOut(Schema):
    id: int
    name: str
    county_code: str
    captain: str | None
    members: list[TeamMemberOut]


class VerificationOut(Schema):
    """All that is public about a certificate."""

    number: str
    name: str
    industry: str
    county: str
    status: str
    valid_until: datetime.date
