"""Cash rewards (奖补) over JSON: an operator proposes, the county reviewer decides, the payout
list (JSON, XLSX, CSV) is paid and marked paid; a partner sees their own approved and paid
rewards. Amounts are integers in fen, with the yuan as text beside them."""

from typing import Literal

from django.http import HttpResponse
from ninja import Router, Status

from gridbee.core.authz import Access, Perm, needs
from gridbee.core.routers import replica_reads
from gridbee.core.schemas import ErrorOut
from gridbee.people.auth import LOGGED_IN

from .. import cash_queries, payouts, periods
from ..actions import cash as actions
from ..choices import CashRewardStatus
from ..models import CashReward
from ..money import yuan
from ..schemas import (
    CashRewardOut,
    DecideIn,
    MyCashRewardOut,
    PaidIn,
    PaidOut,
    PayoutOut,
    ProposeIn,
)

router = Router(tags=["rewards"])
ERRORS = dict.fromkeys((400, 401, 403, 404, 409), ErrorOut)
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def reward_out(r: CashReward) -> dict:
    hold = cash_queries.hold_of(r)
    return {
        "id": r.pk,
        "report_id": r.report_id,
        "case_id": r.case_id,
        "partner_id": r.partner_id,
        "partner_name": r.partner.name,
        "county": r.county_id,
        "grade": r.grade,
        "amount_fen": r.amount_fen,
        "amount_yuan": yuan(r.amount_fen),
        "status": r.status,
        "priority": bool(getattr(r, "priority", False)),
        "reason": r.reason,
        "proposed_by": r.proposed_by.name,
        "proposed_at": r.proposed_at,
        "decided_by": r.decided_by.name if r.decided_by else None,
        "decided_at": r.decided_at,
        "decision_note": r.decision_note,
        "paid_by": r.paid_by.name if r.paid_by else None,
        "paid_at": r.paid_at,
        "paid_reference": r.paid_reference,
        "held": hold.value if hold else None,
        "held_reason": str(hold.label) if hold else "",
        "returned_at": r.returned_at,
        "return_note": r.return_note,
    }


def held_out(r: CashReward) -> dict:
    hold = cash_queries.hold_of(r)
    return {
        "reward_id": r.pk,
        "case_id": r.case_id,
        "partner_name": r.partner.name,
        "amount_fen": r.amount_fen,
        "held": hold.value if hold else "",
        "held_reason": str(hold.label) if hold else "",
    }


def _fresh(user, pk: int) -> dict:
    return reward_out(cash_queries.visible_reward(user, pk))


@router.post("/cash-rewards", response={201: CashRewardOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.CASH_PROPOSE)
def propose(request, body: ProposeIn):
    """Propose a cash reward (奖补) of grade 1–4 for a report of a closed (verified) case in
    your area, within the county's rule (by default the first report of an emergency; 409
    rewards.not_for_cash otherwise). One per report: a second proposal answers 409."""
    reward = actions.propose(body.report_id, body.grade, body.reason, actor=request.user)
    return Status(201, _fresh(request.user, reward.pk))


@router.get("/cash-rewards", response={200: list[CashRewardOut], **ERRORS}, auth=LOGGED_IN)
@needs(Perm.CASH_VIEW)
def list_rewards(
    request, status: CashRewardStatus | None = None, month: str | None = None, limit: int = 200
):
    """The cash rewards of your area, filtered by status and by the month proposed (YYYY-MM);
    proposals come the first report of an emergency first, then the oldest."""
    rewards = cash_queries.listed(
        request.user, status=status or "", month=periods.parse_month(month)
    )
    return [reward_out(r) for r in rewards[: max(1, min(limit, 500))]]


@router.get("/cash-rewards/{reward_id}", response={200: CashRewardOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.CASH_VIEW)
def get_reward(request, reward_id: int):
    return _fresh(request.user, reward_id)


@router.post(
    "/cash-rewards/{reward_id}/decide", response={200: CashRewardOut, **ERRORS}, auth=LOGGED_IN
)
@needs(Perm.CASH_DECIDE)
def decide(request, reward_id: int, body: DecideIn):
    """Approve or refuse a proposal (county reviewer); refusing needs a note. The reporter is
    told when it is approved."""
    actions.decide(reward_id, body.approve, body.note, actor=request.user)
    return _fresh(request.user, reward_id)


@router.get("/cash-payouts", response={200: PayoutOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.CASH_PAY)
def payout_list(request, month: str | None = None):
    """The payout list: approved rewards not yet paid, optionally those approved in a month.
    Rewards held back (partner suspended or revoked, case open again) are not on it; `held`
    lists them with why."""
    chosen = periods.parse_month(month)
    rows = payouts.rows(cash_queries.payable(request.user, chosen))
    held = [held_out(r) for r in cash_queries.held(request.user, chosen)[:500]]
    month_text = f"{chosen:%Y-%m}" if chosen else None
    return {"month": month_text, **payouts.summary(rows), "rows": rows, "held": held}


@router.get("/cash-payouts/export", response={200: None, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.CASH_PAY)
@replica_reads
def payout_export(request, format: Literal["xlsx", "csv"] = "xlsx", month: str | None = None):
    """The payout list as a file for the finance office: XLSX, or CSV in UTF-8 with a BOM."""
    chosen = periods.parse_month(month)
    rows = payouts.rows(cash_queries.payable(request.user, chosen))
    county = request.user.region_id or ""
    if format == "csv":
        content = payouts.to_csv(rows)
    else:
        title = f"{county or '*'} {chosen:%Y-%m}" if chosen else county or "*"
        content = payouts.to_xlsx(rows, title=title)
    response = HttpResponse(content, content_type=CONTENT_TYPES[format])
    name = payouts.filename(county, chosen, format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.post("/cash-payouts/paid", response={200: PaidOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.CASH_PAY)
def mark_paid(request, body: PaidIn):
    """Mark approved rewards paid with the payment reference: all of them, or none when one is
    not yours or not approved. Each reporter is told."""
    paid = actions.mark_paid(body.reward_ids, body.reference, actor=request.user)
    rewards = cash_queries.rewards_for(request.user).filter(pk__in=[r.pk for r in paid])
    total = sum(r.amount_fen for r in paid)
    return {
        "reference": paid[0].paid_reference,
        "count": len(paid),
        "total_fen": total,
        "total_yuan": yuan(total),
        "rewards": [reward_out(r) for r in rewards.order_by("id")],
    }


@router.get("/me/cash-rewards", response={200: list[MyCashRewardOut], **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def my_rewards(request):
    """Your own cash rewards, once approved: the amount, and when and how they were paid."""
    return [
        {
            "id": r.pk,
            "case_id": r.case_id,
            "grade": r.grade,
            "amount_fen": r.amount_fen,
            "amount_yuan": yuan(r.amount_fen),
            "status": r.status,
            "approved_at": r.decided_at,
            "paid_at": r.paid_at,
            "paid_reference": r.paid_reference,
        }
        for r in cash_queries.my_rewards(request.user)[:500]
    ]
