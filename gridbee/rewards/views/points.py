"""Points pages: the partner's points card (积分卡) with the daily check-in, rankings for
partners, team leads and the county (with the honours export, 评先选优), and for the county
reviewer a partner's ledger with corrections and the partners proposed for suspension."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import DomainError
from gridbee.core.pages import needs, refusal, show_refusal
from gridbee.core.routers import replica_reads

from .. import ledger, queries, rankings, statements
from ..actions import earning
from ..choices import EntryKind
from ..errors import RewardsError

PAGE_SIZE = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _kind_label(kind: str) -> str:
    try:
        return str(EntryKind(kind).label)
    except ValueError:
        return kind


def _entries(entries) -> list[dict]:
    return [
        {
            "amount": e.amount,
            "kind": e.kind,
            "label": _kind_label(e.kind),
            "balance_after": e.balance_after,
            "at": e.created_at,
            "case_id": e.case_id,
            "note": e.note,
        }
        for e in entries
    ]


def _statement(figures) -> dict:
    """A statement (computed or stored) with its kinds labelled, for statement_figures.html."""
    get = figures.get if isinstance(figures, dict) else lambda k: getattr(figures, k)
    by_kind = get("by_kind") or {}
    return {
        "month": get("month"),
        "opening": get("opening"),
        "earned": get("earned"),
        "spent": get("spent"),
        "closing": get("closing"),
        "kinds": [(_kind_label(k), v) for k, v in sorted(by_kind.items())],
    }


def _history(request, partner) -> dict:
    page = Paginator(queries.history(partner), PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "entries": _entries(page), "keep": ""}


# --- the partner's points card --------------------------------------------------------------


@login_required
def points_card(request):
    partner = queries.partner_of(request.user)
    if partner is None:
        return refusal(request)
    card = queries.points_card(partner)
    context = {
        "partner": partner,
        "card": card,
        "this_month": _statement(card["this_month"]),
        "statements": [_statement(s) for s in partner.statements.all()[:24]],
        "can_act": partner.can_act,
        **_history(request, partner),
    }
    return render(request, "rewards/points_card.html", context)


@require_POST
@login_required
def check_in(request):
    """每日打卡 from the card: a second press the same day says so and adds nothing."""
    partner = queries.partner_of(request.user)
    if partner is None:
        return refusal(request)
    try:
        entry, new = earning.check_in(partner)
    except DomainError as exc:
        show_refusal(request, exc)
        return redirect("points-card")
    if new:
        text = ngettext(
            "Checked in: +%(points)d point.", "Checked in: +%(points)d points.", entry.amount
        )
        messages.success(request, text % {"points": entry.amount})
    elif entry is not None:
        messages.info(request, _("You have already checked in today."))
    else:
        messages.info(request, _("Checked in, but today's points limit is reached."))
    return redirect("points-card")


# --- rankings -------------------------------------------------------------------------------


@login_required
@replica_reads
def ranking_page(request):
    """排行榜: the county's (partners and staff with POINTS_VIEW) and teams' (members, leads,
    staff), by month, quarter or year."""
    user = request.user
    county_allowed = has_perm(user, Perm.POINTS_VIEW) or queries.partner_of(user) is not None
    teams = list(queries.teams_ranked_for(user)) if queries.may_rank_teams(user) else []
    if not (county_allowed or queries.may_rank_teams(user)):
        return refusal(request)
    try:
        kind = request.GET.get("kind", "")
        if kind in rankings.PERIOD_KINDS and not request.GET.get("period"):
            period = rankings.period_of(kind, timezone.localdate())
        else:
            period = rankings.parse_period(request.GET.get("period"))
    except DomainError as exc:
        messages.error(request, exc.message)
        period = rankings.period_of("month", timezone.localdate())
    metric = request.GET.get("metric", "points")
    metric = metric if metric in rankings.METRICS else "points"
    team = None
    team_id = request.GET.get("team", "")
    if team_id or (teams and not county_allowed):
        team = next((t for t in teams if str(t.pk) == team_id), None) if team_id else teams[0]
        if team is None:
            raise Http404
    if team is not None:
        rows = rankings.ranking(period, team=team, metric=metric)
    elif not county_allowed:
        rows = []  # a team lead who leads no team yet
    else:
        rows = rankings.ranking(period, region=queries.ranking_region(user), metric=metric)
    partner = queries.partner_of(user)
    shown = rankings.shown_to(
        rows, full_names=queries.sees_full_names(user), me=partner.pk if partner else None
    )
    base = {"metric": metric, **({"team": team.pk} if team else {})}

    def link(**changes):
        return "?" + urlencode({**base, "period": period.label, **changes})

    context = {
        "period": period,
        "metric": metric,
        "metrics": list(rankings.METRICS.items()),
        "kinds": [
            (k, label, "?" + urlencode({**base, "kind": k}), k == period.kind)
            for k, label in rankings.PERIOD_KINDS.items()
        ],
        "metric_links": [
            (m, label, link(metric=m), m == metric) for m, label in rankings.METRICS.items()
        ],
        "previous": link(period=period.previous().label),
        "next": link(period=period.next().label),
        "team": team,
        "teams": teams,
        "county_allowed": county_allowed,
        "rows": shown,
        "staff_view": queries.sees_full_names(user),
        "can_view_points": has_perm(user, Perm.POINTS_VIEW),
        "can_export": has_perm(user, Perm.POINTS_VIEW) and team is None,
        "export_query": urlencode({"period": period.label, "metric": metric}),
        "can_manage": has_perm(user, Perm.PARTNERS_MANAGE),
    }
    return render(request, "rewards/ranking.html", context)


@needs(Perm.POINTS_VIEW)
@replica_reads
def honours_export(request, fmt: str):
    """评先选优: the county's ranking of a period (this year by default) as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    try:
        period = rankings.parse_period(request.GET.get("period") or str(timezone.localdate().year))
        metric = request.GET.get("metric", "points")
        rows = rankings.ranking(period, region=queries.ranking_region(request.user), metric=metric)
    except DomainError as exc:
        show_refusal(request, exc)
        return redirect("points-rankings")
    if fmt == "xlsx":
        response = HttpResponse(rankings.honours_xlsx(rows, period.label), content_type=XLSX)
    else:
        response = HttpResponse(rankings.honours_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="honours-{period.label}.{fmt}"'
    return response


# --- the county: a partner's ledger, corrections, suspension proposals ----------------------


@needs(Perm.POINTS_VIEW)
def partner_points(request, pk: int):
    try:
        partner = queries.visible_partner(request.user, pk)
    except DomainError as exc:
        raise Http404(exc.message) from None
    context = {
        "partner": partner,
        "balance": ledger.balance(partner),
        "this_month": _statement(statements.compute(partner, timezone.localdate())),
        "statements": [_statement(s) for s in partner.statements.all()[:24]],
        "can_adjust": has_perm(request.user, Perm.POINTS_ADJUST),
        "can_manage": has_perm(request.user, Perm.PARTNERS_MANAGE),
        **_history(request, partner),
    }
    return render(request, "rewards/points_partner.html", context)


@require_POST
@needs(Perm.POINTS_ADJUST)
def adjust(request, pk: int):
    """更正: a correction with a note, as a new entry."""
    back = reverse("points-partner", args=[pk])
    try:
        partner = queries.visible_partner(request.user, pk)
        amount = int(request.POST.get("amount", "").strip() or 0)
    except ValueError:
        messages.error(request, RewardsError.INVALID_AMOUNT.message)
        return redirect(back)
    except DomainError as exc:
        raise Http404(exc.message) from None
    try:
        ledger.adjust(partner, amount, actor=request.user, note=request.POST.get("note", "")[:200])
    except DomainError as exc:
        show_refusal(request, exc)
        return redirect(back)
    messages.success(request, _("The correction is recorded."))
    return redirect(back)


@needs(Perm.PARTNERS_MANAGE)
def proposals(request):
    """Partners proposed for suspension after repeated false reports (不准虚假上报): the
    reviewer opens the partner's page to suspend, or dismisses the proposal."""
    pending = (
        earning.pending_proposals()
        .filter(pk__in=queries.proposals_for(request.user).values("pk"))
        .select_related("partner", "partner__station")
    )
    return render(request, "rewards/points_proposals.html", {"proposals": pending[:500]})


@require_POST
@needs(Perm.PARTNERS_MANAGE)
def dismiss(request, pk: int):
    try:
        earning.dismiss_proposal(pk, actor=request.user, note=request.POST.get("note", ""))
    except DomainError as exc:
        show_refusal(request, exc)
        return redirect("points-proposals")
    messages.success(request, _("The proposal is dismissed."))
    return redirect("points-proposals")
