"""The dashboard pages (统计): the overview, league tables, the cases behind a number, the heat
map and the command centre's large screen (大屏). Thin: scope, query, render."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from gridbee.core.errors import CommonError, DomainError
from gridbee.core.pages import needs, refusal

from .. import dashboards, periods, queries

PAGE_SIZE = 30
PERIOD_TABS = (("today", _("Today")), ("month", _("This month")), ("quarter", _("This quarter")),
               ("year", _("This year")))  # fmt: skip


def _tabs(current: str, **extra) -> list[tuple]:
    return [
        (name, label, "?" + urlencode({"period": name, **extra}), name == current)
        for name, label in PERIOD_TABS
    ]


def _common(request):
    """The caller's scope and the period asked for, or the refusal to show."""
    scope = queries.scope_for(request.user, request.GET.get("county", ""))
    raw = request.GET.get("period", "month")
    return scope, periods.parse(raw, timezone.localdate()), raw


@needs(queries.may_view)
def overview(request):
    try:
        scope, period, raw = _common(request)
        data = dashboards.overview(scope, period)
        data["splits"] = dashboards.splits(scope, period)
        team = queries.team_scope(scope)
        if team is not None:
            team_figures = queries.figures(team, queries.indicators(team), period)
            for row in data["rows"]:
                row["team"] = team_figures.get(row["code"])
    except DomainError as refused:
        return refusal(request, refused)
    leagues = [(d, dashboards.LEAGUE_LABELS[d]) for d in scope.leagues]
    return render(request, "stats/overview.html", {
        **data, "tabs": _tabs(raw), "scope": scope, "leagues": leagues, "raw": raw,
        "has_team": team is not None,
        "trend_codes": [r["code"] for r in data["rows"]][:1] or ["reported"],
    })  # fmt: skip


@needs(queries.may_view)
def league(request, dim: str):
    try:
        scope, period, raw = _common(request)
        table = dashboards.league_table(scope, dim, period, request.GET.get("sort", ""))
    except DomainError as refused:
        return refusal(request, refused)
    sort = table["sort_by"].code if table["sort_by"] else ""
    return render(request, "stats/league.html", {
        **table, "tabs": _tabs(raw, sort=sort), "raw": raw, "scope": scope,
        "leagues": [(d, dashboards.LEAGUE_LABELS[d]) for d in scope.leagues],
        "sort_links": [(i.code, i.name, "?" + urlencode({"period": raw, "sort": i.code}),
                        i.code == sort) for i in table["indicators"]],
        "xlsx": reverse("stats-league-xlsx", args=[dim]) + "?" + urlencode({"period": raw,
                                                                             "sort": sort}),
    })  # fmt: skip


@needs(queries.may_view)
def drill(request):
    try:
        scope, period, _raw = _common(request)
        ind = queries.indicator(request.GET.get("indicator", ""))
        part = "denominator" if request.GET.get("part") == "denominator" else "numerator"
        dim, key = request.GET.get("dim", ""), request.GET.get("key", "")
        pages = queries.drill_pages(request.user, scope, ind, part, period, dim, key, PAGE_SIZE)
    except DomainError as refused:
        return refusal(request, refused)
    page = pages.get_page(request.GET.get("page"))
    measure = ind.denominator if part == "denominator" and ind.denominator_id else ind.numerator
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(request, "stats/drill.html", {
        "indicator": ind, "measure": measure, "period": period, "page": page,
        "dim": dim, "key": key, "key_name": queries.key_names(dim, [key]).get(key, key),
        "keep": keep.urlencode(),
        "csv": reverse("stats-export", args=["csv"]) + "?" + keep.urlencode(),
        "xlsx": reverse("stats-export", args=["xlsx"]) + "?" + keep.urlencode(),
    })  # fmt: skip


@needs(queries.may_view)
def heat(request):
    try:
        scope, period, raw = _common(request)
    except DomainError as refused:
        return refusal(request, refused)
    if scope.partner_only:
        return refusal(request)
    return render(request, "stats/heat.html", {"period": period, "raw": raw,
                                               "tabs": _tabs(raw), "scope": scope})  # fmt: skip


@needs(queries.may_view)
def screen(request):
    """The large screen (大屏): the page fetches its figures as JSON and again whenever the
    county's live stream says a case moved."""
    try:
        scope, _period, _raw = _common(request)
    except DomainError as refused:
        return refusal(request, refused)
    if scope.partner_only:
        return refusal(request)
    return render(request, "stats/screen.html", {"scope": scope})


@needs(queries.may_view)
def screen_data(request):
    from django.http import JsonResponse

    try:
        scope, _period, _raw = _common(request)
    except DomainError as refused:
        return JsonResponse(refused.as_dict(), status=refused.status)
    if scope.partner_only:
        return JsonResponse(DomainError(CommonError.FORBIDDEN).as_dict(), status=403)
    return JsonResponse(dashboards.screen(scope))


def _screen_topics(user) -> list[str]:
    from ..receivers import figures_topic

    try:
        scope = queries.scope_for(user)
    except DomainError:
        return []
    return [] if scope.partner_only else [figures_topic(scope.county)]


async def screen_live(request):
    """The large screen's stream: an event whenever the county's figures changed."""
    from gridbee.core import live

    return await live.stream(request, _screen_topics, refused=403, anonymous=401)
