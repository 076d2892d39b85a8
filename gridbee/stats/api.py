"""The dashboards over JSON (统计): the overview, league tables, trends, the heat map and the
cases behind a number, each scoped to the caller (queries.scope_for). Handlers parse, scope,
call a query and present."""

import math

from django.utils import timezone
from ninja import Query, Router

from gridbee.core.authz import Access, needs
from gridbee.core.schemas import ErrorOut
from gridbee.people.auth import LOGGED_IN

from . import dashboards, periods, queries
from .schemas import DrillPageOut, HeatCellOut, LeagueOut, OverviewOut, TrendPointOut

router = Router(tags=["stats"])
ERRORS = dict.fromkeys((400, 401, 403, 404), ErrorOut)
PAGE_SIZE = 50
PERIOD = Query("month", max_length=30, description="today, month, quarter, year or A..B")
COUNTY = Query("", max_length=12, description="for the administrator: which county")


def _period(raw: str):
    return periods.parse(raw, timezone.localdate())


@router.get("/stats/overview", response={200: OverviewOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def overview(request, period: str = PERIOD, county: str = COUNTY):
    """The indicators over a period with 环比 and 同比, for the caller's scope (a partner: their
    own figures)."""
    scope = queries.scope_for(request.user, county)
    data = dashboards.overview(scope, _period(period))
    p = data["period"]
    return {"county": scope.county, "period": p.query, "start": p.start, "end": p.end,
            "figures": data["rows"]}  # fmt: skip


@router.get("/stats/league/{dim}", response={200: LeagueOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def league(
    request,
    dim: str,
    period: str = PERIOD,
    sort: str = Query("", max_length=40),
    county: str = COUNTY,
):
    """A league table (排名) by department, town, community, grid, category or team (a team
    lead: their partners), best first, with the bottom three named."""
    scope = queries.scope_for(request.user, county)
    table = dashboards.league_table(scope, dim, _period(period), sort)
    return {"dim": dim, "period": table["period"].query,
            "sort_by": table["sort_by"].code if table["sort_by"] else "",
            "rows": table["rows"], "bottom": table["bottom"]}  # fmt: skip


@router.get("/stats/trend/{code}", response={200: list[TrendPointOut], **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def trend(request, code: str, period: str = Query("year", max_length=30), county: str = COUNTY):
    """One indicator month by month (day by day within a month)."""
    scope = queries.scope_for(request.user, county)
    ind = queries.indicator(code)
    return [{"label": label, "value": v} for label, v in queries.trend(scope, ind, _period(period))]


@router.get("/stats/heatmap", response={200: list[HeatCellOut], **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def heatmap(
    request,
    period: str = Query("quarter", max_length=30),
    measure: str = Query("opened", max_length=40),
    county: str = COUNTY,
):
    """Cases per H3 cell (resolution 8) over the period: counts, never a reporter."""
    scope = queries.scope_for(request.user, county)
    if scope.partner_only:
        return []
    return queries.heat(scope, measure, _period(period))


@router.get("/stats/cases", response={200: DrillPageOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def cases(
    request,
    indicator: str = Query(..., max_length=40),
    period: str = PERIOD,
    part: str = Query("numerator", pattern="^(numerator|denominator)$"),
    dim: str = Query("", max_length=12),
    key: str = Query("", max_length=24),
    page: int = Query(1, ge=1, le=100_000),
    county: str = COUNTY,
):
    """The cases behind a number (下钻): an indicator's numerator or denominator over the
    period, for one key of a dimension; only cases the caller may see."""
    scope = queries.scope_for(request.user, county)
    ind = queries.indicator(indicator)
    pages = queries.drill_pages(request.user, scope, ind, part, _period(period), dim, key,
                                PAGE_SIZE)  # fmt: skip
    current = pages.get_page(page)
    return {
        "count": pages.count,
        "page": current.number,
        "pages": max(1, math.ceil(pages.count / PAGE_SIZE)),
        "items": [case_out(c) for c in current],
    }


def case_out(case) -> dict:
    return {
        "id": case.pk,
        "kind": case.kind,
        "status": case.status,
        "category": case.category.name if case.category_id else "",
        "region": case.region.name,
        "grid": case.grid.code if case.grid_id else "",
        "department": case.department.name if case.department_id else "",
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
    }
