"""What the pages and the API show, built from scoped queries: the overview with month-on-month
and year-on-year, league tables with their bottom three, the 大屏's figures. Every number
carries the query of the drill-down that lists the cases behind it."""

from urllib.parse import quote

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridbee.cases.choices import CategoryGroup, ReportSource

from . import periods, queries
from .models import Indicator, Unit
from .periods import Period
from .queries import Scope

LEAGUE_LABELS = {
    "department": _("Department"),
    "town": _("Town / street"),
    "region": _("Village / community"),
    "grid": _("Grid"),
    "category": _("Category"),
    "team": _("Team"),
    "partner": _("Partner"),
}


def drill_query(ind: Indicator, period: Period, part="numerator", dim="", key="") -> str:
    """The drill-down's query string. Built by hand: a league table has thousands of
    numbers, and urlencode of each would cost more than the figures themselves."""
    query = f"indicator={ind.code}&period={quote(period.query)}"
    if part != "numerator":
        query += f"&part={part}"
    if dim:
        query += f"&dim={dim}&key={quote(key, safe='')}"
    return query


def change(now, before, unit: str):
    """The change against an earlier figure: points for a rate, percent for a count."""
    if now is None or before is None:
        return None
    if unit == Unit.PERCENT or unit == Unit.HOURS:
        return round(now - before, 2)
    return round(100 * (now - before) / before, 1) if before else None


def overview(scope: Scope, period: Period) -> dict:
    inds = queries.indicators(scope)
    now = queries.figures(scope, inds, period)
    mom_p, yoy_p = periods.previous(period), periods.year_on_year(period)
    mom = queries.figures(scope, inds, mom_p)
    yoy = queries.figures(scope, inds, yoy_p)
    rows = []
    for ind in inds:
        rows.append({
            "code": ind.code, "name": ind.name, "unit": ind.unit, "kind": ind.kind,
            "value": now[ind.code], "previous": mom[ind.code], "last_year": yoy[ind.code],
            "mom": change(now[ind.code], mom[ind.code], ind.unit),
            "yoy": change(now[ind.code], yoy[ind.code], ind.unit),
            "drill": drill_query(ind, period) if scope.drill else "",
        })  # fmt: skip
    return {"county": scope.county, "period": period, "previous": mom_p, "last_year": yoy_p,
            "rows": rows}  # fmt: skip


SPLITS = {
    "group": (_("Events and components"), CategoryGroup),  # 事件 / 部件
    "source": (_("By source"), ReportSource),
}


def splits(scope: Scope, period: Period) -> list[dict]:
    """The overview's indicators by 事件/部件 and by source, as digital urban management
    reports them, each number drilling down to its cases. For a county-wide scope, where
    the daily rows answer; a narrower one reads its part in its league tables."""
    if scope.dim or scope.partner_only:
        return []
    inds = queries.indicators(scope)
    out = []
    for dim, (label, choices) in SPLITS.items():
        values = queries.by_key(scope, dim, inds, period)
        columns = [(key, name) for key, name in choices.choices if key in values]
        rows = [
            {"name": ind.name, "cells": [
                {"value": values[key][ind.code], "unit": ind.unit,
                 "drill": drill_query(ind, period, dim=dim, key=key)}
                for key, _name in columns
            ]}
            for ind in inds
        ]  # fmt: skip
        out.append({"dim": dim, "label": label, "columns": columns, "rows": rows})
    return out


def league_table(scope: Scope, dim: str, period: Period, sort_by: str = "") -> dict:
    inds = queries.indicators(scope, league=True)
    rows = queries.league(scope, dim, inds, period)
    by = next((i for i in inds if i.code == sort_by), None) or next(
        (i for i in inds if i.code == "on_time_rate"), inds[0] if inds else None
    )
    ordered, bottom = queries.ranked(rows, by) if by else (rows, [])
    drillable = scope.drill and dim != "partner"
    # Each indicator's query once, each row's key once: a grid league has thousands of cells.
    prefixes = [(i, drill_query(i, period) + f"&dim={dim}&key=") for i in inds]
    for rank, row in enumerate(ordered, 1):
        row["rank"] = rank
        key = quote(row["key"], safe="")
        row["cells"] = [
            {"code": i.code, "value": row["values"][i.code], "unit": i.unit,
             "drill": prefix + key if drillable else ""}
            for i, prefix in prefixes
        ]  # fmt: skip
        # A department sees the league table and the cases behind its own row only.
        if scope.dim == "department" and row["key"] not in scope.keys:
            for cell in row["cells"]:
                cell["drill"] = ""
    return {"dim": dim, "label": LEAGUE_LABELS.get(dim, dim), "period": period,
            "indicators": inds, "sort_by": by, "rows": ordered,
            "bottom": [r["name"] for r in bottom]}  # fmt: skip


def screen(scope: Scope) -> dict:
    """The command centre's figures (大屏): today and this month, the month's trend, the
    departments' league and the heat map of this month."""
    today = periods.parse("today", timezone.localdate())
    month = periods.parse("month", timezone.localdate())
    inds = queries.indicators(scope)
    wanted = [i for i in inds if i.code in SCREEN]
    t = queries.figures(scope, wanted, today)
    m = queries.figures(scope, wanted, month)
    trend_ind = next((i for i in inds if i.code == "reported"), None)
    league = []
    if "department" in scope.leagues:
        table = league_table(scope, "department", month)
        league = [{"name": r["name"], "value": r["values"].get(table["sort_by"].code)}
                  for r in table["rows"]] if table["sort_by"] else []  # fmt: skip
    return {
        "at": timezone.localtime().strftime("%H:%M:%S"),
        "today": [{"code": i.code, "name": i.name, "unit": i.unit, "value": t[i.code]}
                  for i in wanted],
        "month": [{"code": i.code, "name": i.name, "unit": i.unit, "value": m[i.code]}
                  for i in wanted],
        "trend": queries.trend(scope, trend_ind, month) if trend_ind else [],
        "league": league,
        "heat": queries.heat(scope, "opened", month)[:500],
    }  # fmt: skip


SCREEN = ("reported", "accepted", "closed", "close_rate", "on_time_rate", "satisfaction")
