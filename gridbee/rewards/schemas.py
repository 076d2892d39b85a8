"""The rewards API's shapes (api/points.py, api/shop.py, api/cash.py): what a client sends
and what it gets back."""

import datetime

from ninja import Schema
from pydantic import Field

from gridbee.core.schemas import Id

# --- points (积分卡) ------------------------------------------------------------------------------


class EntryOut(Schema):
    id: int
    amount: int
    kind: str
    balance_after: int
    day: datetime.date
    at: datetime.datetime
    case_id: int | None
    report_id: int | None
    order_id: int | None
    note: str


class EntryPageOut(Schema):
    partner_id: int
    balance: int
    count: int
    page: int
    pages: int
    items: list[EntryOut]


class StatementOut(Schema):
    partner_id: int
    month: str = Field(description="YYYY-MM")
    opening: int
    earned: int
    spent: int
    closing: int
    by_kind: dict[str, int]


class RankOut(Schema):
    rank: int
    of: int
    points: int
    verified_reports: int
    first_reports: int


class MyPointsOut(Schema):
    balance: int
    checked_in_today: bool
    this_month: StatementOut
    county_rank: RankOut | None
    team_rank: RankOut | None


class CheckInOut(Schema):
    new: bool = Field(description="False when already checked in today")
    points: int = Field(description="What today's check-in earned (0 at the daily cap)")
    balance: int


class RankRowOut(Schema):
    rank: int
    partner_id: int | None = Field(description="Empty for others' rows shown to a partner")
    name: str = Field(description="Masked for others' rows shown to a partner")
    station: str
    team: str
    points: int
    verified_reports: int
    first_reports: int
    is_me: bool


class RankingOut(Schema):
    period: str
    start: datetime.date
    end: datetime.date = Field(description="The first day after the period")
    metric: str
    rows: list[RankRowOut]


class AdjustmentIn(Schema):
    amount: int = Field(ge=-100_000, le=100_000, description="Points to add (or take, < 0)")
    note: str = Field(max_length=200)


class ProposalOut(Schema):
    id: int
    partner_id: int
    partner_name: str
    false_reports: int
    created_at: datetime.datetime


class DismissIn(Schema):
    note: str = Field(max_length=300)


# --- the shop (积分超市) --------------------------------------------------------------------------


class WindowOut(Schema):
    open: bool
    always: bool
    start: datetime.date | None
    end: datetime.date | None


class ItemOut(Schema):
    id: int
    name: str
    kind: str
    description: str
    price: int
    stock: int
    per_person_limit: int


class ShopOut(Schema):
    county_code: str
    balance: int
    window: WindowOut
    items: list[ItemOut]


class OrderOut(Schema):
    id: int
    item_id: int
    item_name: str
    item_kind: str
    points: int
    status: str
    status_label: str
    pickup_code: str | None = None  # only on the partner's own orders
    created_at: datetime.datetime
    handed_over_at: datetime.datetime | None
    cancelled_at: datetime.datetime | None


class CountyOrderOut(OrderOut):
    partner_id: int
    partner_name: str
    partner_mobile: str


class PickupOut(OrderOut):
    partner_name: str  # masked: enough to recognise the person in front of the counter
    partner_mobile: str


# --- cash rewards (奖补) --------------------------------------------------------------------------


class ProposeIn(Schema):
    report_id: int
    grade: int  # 1–4; the amount comes from the county's grades
    reason: str = ""


class DecideIn(Schema):
    approve: bool
    note: str = ""  # required to refuse


class PaidIn(Schema):
    reward_ids: list[Id]
    reference: str = ""  # the transfer or voucher number


class CashRewardOut(Schema):
    id: int
    report_id: int
    case_id: int
    partner_id: int
    partner_name: str
    county: str
    grade: int
    amount_fen: int
    amount_yuan: str
    status: str
    priority: bool  # the first report of an emergency
    reason: str
    proposed_by: str
    proposed_at: datetime.datetime
    decided_by: str | None
    decided_at: datetime.datetime | None
    decision_note: str
    paid_by: str | None
    paid_at: datetime.datetime | None
    paid_reference: str
    held: str | None  # why it cannot be paid now (HoldReason), or null
    held_reason: str
    returned_at: datetime.datetime | None  # back to review: the case was reopened or reworked
    return_note: str


class MyCashRewardOut(Schema):
    id: int
    case_id: int
    grade: int
    amount_fen: int
    amount_yuan: str
    status: str
    approved_at: datetime.datetime | None
    paid_at: datetime.datetime | None
    paid_reference: str


class PayoutRowOut(Schema):
    reward_id: int
    partner_name: str
    mobile: str
    id_number: str
    station: str
    case_id: int
    grade: int
    amount_yuan: str
    amount_fen: int
    proposed_on: datetime.date
    approved_on: datetime.date | None
    approved_by: str


class HeldOut(Schema):
    reward_id: int
    case_id: int
    partner_name: str
    amount_fen: int
    held: str
    held_reason: str


class PayoutOut(Schema):
    month: str | None
    count: int
    total_fen: int
    total_yuan: str
    rows: list[PayoutRowOut]
    held: list[HeldOut]  # approved but left off the list, with why


class PaidOut(Schema):
    reference: str
    count: int
    total_fen: int
    total_yuan: str
    rewards: list[CashRewardOut]
