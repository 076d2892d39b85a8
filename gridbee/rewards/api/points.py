"""Points over JSON (积分卡): a partner's balance, history, statements, rank and daily check-in;
rankings of a county or a team and the honours export; for the county, a partner's ledger,
corrections and the partners proposed for suspension. Handlers parse, authorize, call an
action or a scoped query, and present."""

import math

from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from gridbee.core.authz import Access, Perm, needs, require
from gridbee.core.errors import DomainError
from gridbee.core.routers import replica_reads
from gridbee.core.schemas import ErrorOut
from gridbee.people.auth import LOGGED_IN

from .. import ledger, periods, queries, rankings
from ..actions import earning
from ..errors import RewardsError
from ..models import PointsEntry, SuspensionProposal
from ..schemas import (
    AdjustmentIn,
    CheckInOut,
    DismissIn,
    EntryOut,
    EntryPageOut,
    MyPointsOut,
    ProposalOut,
    RankingOut,
    StatementOut,
)

router = Router(tags=["rewards"])
ERRORS = dict.fromkeys((400, 401, 403, 404, 409), ErrorOut)
PAGE_SIZE = 50


def entry_out(entry: PointsEntry) -> dict:
    return {
        "id": entry.pk,
        "amount": entry.amount,
        "kind": entry.kind,
        "balance_after": entry.balance_after,
        "day": entry.day,
        "at": entry.created_at,
        "case_id": entry.case_id,
        "report_id": entry.report_id,
        "order_id": entry.order_id,
        "note": entry.note,
    }


def statement_out(partner_id: int, figures) -> dict:
    get = figures.get if isinstance(figures, dict) else lambda k: getattr(figures, k)
    return {
        "partner_id": partner_id,
        "month": f"{get('month'):%Y-%m}",
        **{k: get(k) for k in ("opening", "earned", "spent", "closing", "by_kind")},
    }


def _page(partner, page: int) -> dict:
    entries = queries.history(partner)
    count = entries.count()
    start = (page - 1) * PAGE_SIZE
    return {
        "partner_id": partner.pk,
        "balance": ledger.balance(partner),
        "count": count,
        "page": page,
        "pages": max(1, math.ceil(count / PAGE_SIZE)),
        "items": [entry_out(e) for e in entries[start : start + PAGE_SIZE]],
    }


def my_standing(partner) -> dict:
    card = queries.points_card(partner)
    return {**card, "this_month": statement_out(partner.pk, card["this_month"])}


@router.get("/points/me", response={200: MyPointsOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def my_points(request):
    """The partner's points card: balance, today's check-in, this month, rank in county and team."""
    return my_standing(queries.my_partner(request.user))


@router.get("/points/me/entries", response={200: EntryPageOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def my_entries(request, page: int = Query(1, ge=1, le=100_000)):
    """The partner's ledger (积分流水), newest first, 50 a page."""
    return _page(queries.my_partner(request.user), page)


@router.get("/points/me/statements", response={200: list[StatementOut], **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def my_statements(request):
    """Monthly statements (一月一统计) of months that are over, newest first."""
    partner = queries.my_partner(request.user)
    return [statement_out(partner.pk, s) for s in partner.statements.all()[:120]]


@router.post("/points/check-in", response={200: CheckInOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def check_in(request):
    """每日打卡: once a day; pressing again answers the same with `new` false."""
    partner = queries.my_partner(request.user)
    entry, new = earning.check_in(partner)
    return {
        "new": new,
        "points": entry.amount if entry else 0,
        "balance": ledger.balance(partner),
    }


Metric = Query("points", pattern="^(points|verified_reports|first_reports)$")


def _ranking_out(request, period, rows, metric) -> dict:
    partner = queries.partner_of(request.user)
    shown = rankings.shown_to(
        rows,
        full_names=queries.sees_full_names(request.user),
        me=partner.pk if partner else None,
    )
    return {
        "period": period.label,
        "start": period.start,
        "end": period.end,
        "metric": metric,
        "rows": shown,
    }


@router.get("/points/rankings", response={200: RankingOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
@replica_reads
def county_ranking(
    request,
    period: str = Query(
        "", max_length=7, description="YYYY, YYYY-Qn or YYYY-MM; empty: this month"
    ),
    metric: str = Metric,
    county: str = Query("", max_length=12, description="County code; empty: the caller's"),
):
    """A county's ranking (排行榜): partners see their own county's, names masked; staff with
    POINTS_VIEW any county in their scope."""
    region = queries.ranking_region(request.user, county)
    chosen = rankings.parse_period(period)
    rows = rankings.ranking(chosen, region=region, metric=metric)
    return _ranking_out(request, chosen, rows, metric)


@router.get("/points/teams/{team_id}/ranking", response={200: RankingOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def team_ranking(
    request,
    team_id: int,
    period: str = Query("", max_length=7),
    metric: str = Metric,
):
    """A team's ranking: its members, its captain and sub-captains, the county's staff."""
    team = queries.visible_team(request.user, team_id)
    chosen = rankings.parse_period(period)
    rows = rankings.ranking(chosen, team=team, metric=metric)
    return _ranking_out(request, chosen, rows, metric)


def _honours(request, period: str, metric: str, county: str):
    region = queries.ranking_region(request.user, county)
    chosen = rankings.parse_period(period or str(timezone.localdate().year))
    return chosen, rankings.ranking(chosen, region=region, metric=metric)


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/points/honours.csv", response={200: None, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.POINTS_VIEW)
def honours_csv(
    request,
    period: str = Query("", max_length=7, description="Empty: this year"),
    metric: str = Metric,
    county: str = Query("", max_length=12),
):
    """The honours list (评先选优) as CSV: the county's ranking with full names."""
    chosen, rows = _honours(request, period, metric, county)
    return _download(rankings.honours_csv(rows), "text/csv; charset=utf-8",
                     f"honours-{chosen.label}.csv")  # fmt: skip


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/points/honours.xlsx", response={200: None, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.POINTS_VIEW)
def honours_xlsx(
    request,
    period: str = Query("", max_length=7, description="Empty: this year"),
    metric: str = Metric,
    county: str = Query("", max_length=12),
):
    """The honours list (评先选优) as an Excel workbook."""
    chosen, rows = _honours(request, period, metric, county)
    content = rankings.honours_xlsx(rows, title=chosen.label)
    return _download(content, XLSX, f"honours-{chosen.label}.xlsx")


@router.get("/points/statements", response={200: list[StatementOut], **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def county_statements(request, month: str = Query(..., max_length=7, description="YYYY-MM")):
    """The county's statements of a month (staff with POINTS_VIEW); a partner gets their own."""
    first = periods.parse_month(month)
    if first is None:
        raise DomainError(RewardsError.INVALID_MONTH)
    if queries.partner_of(request.user) is None:
        require(request.user, Perm.POINTS_VIEW)
    rows = queries.statements_for(request.user).filter(month=first).order_by("partner_id")
    return [statement_out(s.partner_id, s) for s in rows[:5000]]


@router.get(
    "/points/partners/{partner_id}/entries", response={200: EntryPageOut, **ERRORS}, auth=LOGGED_IN
)
@needs(Perm.POINTS_VIEW)
def partner_entries(request, partner_id: int, page: int = Query(1, ge=1, le=100_000)):
    """A partner's ledger, for the county (POINTS_VIEW)."""
    return _page(queries.visible_partner(request.user, partner_id), page)


@router.post(
    "/points/partners/{partner_id}/adjustments",
    response={201: EntryOut, **ERRORS},
    auth=LOGGED_IN,
)
@needs(Perm.POINTS_ADJUST)
def adjust(request, partner_id: int, body: AdjustmentIn):
    """A correction (更正): a new entry with a note, never an edit; the balance stays ≥ 0."""
    partner = queries.visible_partner(request.user, partner_id)
    entry = ledger.adjust(partner, body.amount, actor=request.user, note=body.note)
    return Status(201, entry_out(entry))


def proposal_out(proposal: SuspensionProposal) -> dict:
    return {
        "id": proposal.pk,
        "partner_id": proposal.partner_id,
        "partner_name": proposal.partner.name,
        "false_reports": proposal.false_reports,
        "created_at": proposal.created_at,
    }


@router.get(
    "/points/suspension-proposals", response={200: list[ProposalOut], **ERRORS}, auth=LOGGED_IN
)
@needs(Perm.PARTNERS_MANAGE)
def suspension_proposals(request):
    """Partners proposed for suspension after repeated false reports, still waiting. Suspend
    them with POST /partners/{id}/suspend (reason false_reports), or dismiss the proposal."""
    pending = earning.pending_proposals().filter(
        pk__in=queries.proposals_for(request.user).values("pk")
    )
    return [proposal_out(p) for p in pending.select_related("partner")[:500]]


@router.post(
    "/points/suspension-proposals/{proposal_id}/dismiss",
    response={200: ProposalOut, **ERRORS},
    auth=LOGGED_IN,
)
@needs(Perm.PARTNERS_MANAGE)
def dismiss_proposal(request, proposal_id: int, body: DismissIn):
    """The reviewer decides not to suspend, saying why."""
    proposal = earning.dismiss_proposal(proposal_id, actor=request.user, note=body.note)
    return proposal_out(proposal)
