"""Every read of the dashboards, scoped (scope_for): reviewers their county, operators their
area or grids, departments their own row and the league table of departments, team leads their
team's partners, partners their own figures and their team's. Sums read the daily rows, and
for today and any day not yet summed again the cases' contributions (the live part)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.utils import timezone

from gridbee.cases import kinds
from gridbee.cases.choices import CategoryGroup, ReportSource
from gridbee.cases.models import Category
from gridbee.cases.queries import cases_for
from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import CommonError, DomainError
from gridbee.geo.choices import Level
from gridbee.geo.models import Grid, Region
from gridbee.people.choices import Role
from gridbee.people.models import Department, Partner, Team
from gridbee.people.queries import EVERYWHERE, partner_of, region_scope

from .errors import StatsError
from .models import (
    MONTHLY_DIMENSIONS,
    TEXT_DIMS,
    CaseMeasure,
    CountySettings,
    DailyStat,
    DirtyDay,
    Indicator,
    Per,
    Unit,
)
from .periods import Period

LEAGUES = ("department", "town", "region", "grid", "category", "team")
PARTNER_DIMS = ("partner", "team")


@dataclass(frozen=True)
class Scope:
    """What a caller's figures cover: a county, narrowed to some keys of one dimension."""

    county: str
    dim: str = ""
    keys: tuple[str, ...] = ()
    leagues: tuple[str, ...] = LEAGUES
    partner_only: bool = False  # only a partner's figures (reports, first reports)
    drill: bool = True  # may list the cases behind a number
    extra: dict = field(default_factory=dict, compare=False, hash=False)


def may_view(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return has_perm(user, Perm.STATS_VIEW) or user.role in (Role.PARTNER, Role.TEAM_LEAD)


def _county_of(code: str) -> str:
    return code[:6] + "000000"


def scope_for(user, county: str = "") -> Scope:
    """The caller's scope, or a refusal (a station, an account without a place)."""
    if not may_view(user):
        raise DomainError(CommonError.FORBIDDEN)
    role = user.role
    if role == Role.DEPARTMENT:
        if not user.department_id:
            raise DomainError(StatsError.NOT_YOURS)
        return Scope(user.department.county_id, "department", (str(user.department_id),),
                     leagues=("department",))  # fmt: skip
    if role in (Role.PARTNER, Role.TEAM_LEAD):
        return _partner_scope(user)
    if role == Role.OPERATOR and not user.region_id:
        grids = list(user.grids.values_list("pk", "community_id"))
        if not grids:
            raise DomainError(StatsError.NOT_YOURS)
        return Scope(_county_of(grids[0][1]), "grid", tuple(str(g) for g, _ in grids),
                     leagues=("grid",))  # fmt: skip
    prefix = region_scope(user)
    if prefix is None:
        raise DomainError(StatsError.NOT_YOURS)
    if prefix == EVERYWHERE:  # the administrator: the county asked for, or the first
        counties = Region.objects.filter(level=Level.COUNTY).order_by("code")
        chosen = counties.filter(code=county).first() if county else counties.first()
        if chosen is None:
            raise DomainError(StatsError.NOT_YOURS)
        return Scope(chosen.code)
    region = Region.objects.get(code=user.region_id)
    if region.level <= Level.COUNTY:
        return Scope(_county_of(region.code))
    if region.level == Level.TOWN:
        return Scope(_county_of(region.code), "town", (region.code,),
                     leagues=("region", "grid", "category"))  # fmt: skip
    return Scope(_county_of(region.code), "region", (region.code,), leagues=("grid", "category"))


def _partner_scope(user) -> Scope:
    """A partner: their own figures; a team lead (or a squad's sub-captain): their team's."""
    teams = list(Team.objects.filter(captain=user).values_list("pk", "county_id"))
    partner = partner_of(user)
    if teams:
        keys = tuple(str(t) for t, _ in teams)
        return Scope(teams[0][1], "team", keys, leagues=("partner",), partner_only=True,
                     drill=False)  # fmt: skip
    if partner is None:  # a team lead without a team yet: nothing to count, and no refusal
        return Scope(user.region_id or "", "team", (), leagues=("partner",), partner_only=True,
                     drill=False)  # fmt: skip
    team = getattr(getattr(partner, "membership", None), "team_id", None)
    return Scope(partner.county_id, "partner", (str(partner.pk),), leagues=(),
                 partner_only=True, drill=False, extra={"team": team})  # fmt: skip


def team_scope(scope: Scope) -> Scope | None:
    """A partner's team, whose totals they may see beside their own."""
    team = scope.extra.get("team")
    if scope.dim != "partner" or team is None:
        return None
    return Scope(scope.county, "team", (str(team),), leagues=(), partner_only=True, drill=False)


def indicators(scope: Scope, *, league: bool = False) -> list[Indicator]:
    rows = Indicator.objects.filter(active=True).select_related(
        "numerator", "denominator", "subtract"
    )
    if scope.partner_only:
        rows = rows.filter(partner=True)
    elif league:
        rows = rows.filter(league=True)
    else:
        rows = rows.filter(overview=True)
    return list(rows)


def indicator(code: str) -> Indicator:
    found = Indicator.objects.filter(code=code, active=True).select_related(
        "numerator", "denominator", "subtract"
    )
    if not found:
        raise DomainError(StatsError.UNKNOWN_INDICATOR)
    return found[0]


def held_leaves_denominator(county: str) -> bool:
    return CountySettings.objects.filter(county_id=county, held_leaves_denominator=True).exists()


def _measures(inds: list[Indicator]) -> set[str]:
    codes = set()
    for ind in inds:
        codes.add(ind.numerator.code)
        if ind.denominator_id:
            codes.add(ind.denominator.code)
        if ind.subtract_id:
            codes.add(ind.subtract.code)
    return codes


def _live_days(county: str, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    today = timezone.localdate()
    days = set(
        DirtyDay.objects.filter(county=county, day__range=(start, end)).values_list(
            "day", flat=True
        )
    )
    if start <= today <= end:
        days.add(today)
    return sorted(days)


Sums = dict  # key -> {measure: {kind: [n, minutes, work minutes]}}


def _months(period: Period, live: list[datetime.date]) -> list[datetime.date]:
    """The whole months inside the period that no live day touches (their monthly rows are
    current), as their first days."""
    stale = {d.replace(day=1) for d in live}
    out, month = [], period.start.replace(day=1)
    while month <= period.end:
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        last = following - datetime.timedelta(days=1)
        if month >= period.start and last <= period.end and month not in stale:
            out.append(month)
        month = following
    return out


def sums(scope: Scope, dim: str, measures: set[str], period: Period) -> Sums:
    """Sums of these measures over the period by `dim` ("" for the scope's total), within the
    scope: from the summed rows where one dimension answers (by day, or by whole month for the
    fine dimensions), and from the contributions for the rest (today, days not summed again
    yet, a month's edges, two dimensions at once)."""
    out: Sums = defaultdict(lambda: defaultdict(lambda: defaultdict(lambda: [0, 0, 0])))
    live = _live_days(scope.county, period.start, period.end)

    def add(key, measure, kind, n, m, w):
        cell = out[key][measure][kind]
        cell[0] += n
        cell[1] += m or 0
        cell[2] += w or 0

    one_dim = scope.dim == "" or scope.dim == dim or (dim == "" and scope.dim)
    summed_dim = dim or scope.dim
    rest = [Q(day__range=(period.start, period.end))]  # what is read from the contributions
    if one_dim:
        rows = DailyStat.objects.filter(county=scope.county, dim=summed_dim, measure__in=measures)
        if summed_dim in MONTHLY_DIMENSIONS:
            months = _months(period, live)
            rows = rows.filter(day__in=months)
            rest = [Q(day__range=span) for span in _gaps(period, months)]
        else:
            rows = rows.filter(day__range=(period.start, period.end)).exclude(day__in=live)
            rest = [Q(day__in=live)] if live else []
        if scope.dim:
            rows = rows.filter(key__in=scope.keys)
        rows = rows.values("key", "measure", "kind").annotate(
            n=Sum("n"), m=Sum("minutes"), w=Sum("work_minutes")
        )
        for r in rows.order_by():
            add(r["key"] if dim else "", r["measure"], r["kind"], r["n"], r["m"], r["w"])
    fields = ["measure", "kind", *([dim] if dim else [])]
    # One simple span of days per query: the contributions' index answers each directly.
    for days in rest:
        base = CaseMeasure.objects.filter(days, county=scope.county, measure__in=measures)
        if scope.dim:
            base = base.filter(**{f"{scope.dim}__in": scope.keys})
        rows = base.values(*fields).annotate(n=Count("id"), m=Sum("minutes"), w=Sum("work_minutes"))
        for r in rows.order_by():
            key = r[dim] if dim else ""
            if dim and key in (None, ""):
                continue
            add(str(key), r["measure"], r["kind"], r["n"], r["m"], r["w"])
    return out


def _gaps(period: Period, months: list[datetime.date]) -> list[tuple]:
    """The spans of the period outside these whole months."""
    spans, day = [], period.start
    for month in sorted(months):
        if day < month:
            spans.append((day, month - datetime.timedelta(days=1)))
        day = max(day, (month + datetime.timedelta(days=32)).replace(day=1))
    if day <= period.end:
        spans.append((day, period.end))
    return spans


def value(ind: Indicator, figures: dict, held_switch: bool):
    """An indicator's value from one key's sums; None where its denominator is nought."""

    def get(measure) -> list[int]:
        total = [0, 0, 0]
        for kind, cell in figures.get(measure.code, {}).items():
            if not ind.kind or kind == ind.kind:
                total = [a + b for a, b in zip(total, cell, strict=True)]
        return total

    n, minutes, work = get(ind.numerator)
    if ind.unit == Unit.COUNT:
        return n
    if ind.unit == Unit.HOURS:
        total = work if ind.days == "working" else minutes
        return round(total / n / 60, 1) if n else None
    den = get(ind.denominator)[0] if ind.denominator_id else 0
    if ind.subtract_id and held_switch:
        den -= get(ind.subtract)[0]
    return round(100 * n / den, 2) if den > 0 else None


def figures(scope: Scope, inds: list[Indicator], period: Period) -> dict[str, object]:
    """{indicator code: value} over the period, for the scope's total."""
    total = sums(scope, "", _measures(inds), period).get("", {})
    switch = held_leaves_denominator(scope.county)
    return {ind.code: value(ind, total, switch) for ind in inds}


def by_key(scope: Scope, dim: str, inds: list[Indicator], period: Period) -> dict[str, dict]:
    """{key of `dim`: {indicator code: value}} over the period, within the scope."""
    switch = held_leaves_denominator(scope.county)
    return {
        key: {ind.code: value(ind, cells, switch) for ind in inds}
        for key, cells in sums(scope, dim, _measures(inds), period).items()
    }


def league(scope: Scope, dim: str, inds: list[Indicator], period: Period) -> list[dict]:
    """One row per key of `dim` with each indicator's value, named."""
    if dim not in scope.leagues:
        raise DomainError(StatsError.UNKNOWN_DIMENSION)
    values = by_key(scope if dim != "department" else Scope(scope.county), dim, inds, period)
    names = key_names(dim, list(values))
    return [{"key": key, "name": names.get(key, key), "values": v} for key, v in values.items()]


def ranked(rows: list[dict], ind: Indicator) -> tuple[list[dict], list[dict]]:
    """Rows best first by the indicator (those without a value last), and the bottom three
    (末三位) among those with a value."""
    valued = [r for r in rows if r["values"].get(ind.code) is not None]
    high = ind.better == "high"
    valued.sort(
        key=lambda r: (-r["values"][ind.code] if high else r["values"][ind.code], r["name"])
    )
    rest = sorted((r for r in rows if r["values"].get(ind.code) is None), key=lambda r: r["name"])
    bottom = valued[-3:][::-1] if len(valued) > 3 else []
    return valued + rest, bottom


def key_names(dim: str, keys: list[str]) -> dict[str, str]:
    ints = [int(k) for k in keys if k.isdigit()]
    models = {"department": Department, "category": Category, "team": Team, "partner": Partner}
    if dim in models:
        rows = models[dim].objects.filter(pk__in=ints).values_list("pk", "name")
        return {str(pk): name for pk, name in rows}
    if dim in ("town", "region"):
        return dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
    if dim == "grid":
        rows = Grid.objects.filter(pk__in=ints).values_list("pk", "code", "name")
        return {str(pk): f"{name} ({code})" for pk, code, name in rows}
    if dim in LABELLED:
        return {key: str(name) for key, name in LABELLED[dim].choices if key in keys}
    return {}


LABELLED = {"group": CategoryGroup, "source": ReportSource}


def trend(scope: Scope, ind: Indicator, period: Period) -> list[tuple[str, object]]:
    """The indicator month by month (or day by day within a month) over the period."""
    switch = held_leaves_denominator(scope.county)
    monthly = (period.end - period.start).days > 40
    out = []
    day = period.start
    while day <= period.end:
        if monthly:
            nxt = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        else:
            nxt = day + datetime.timedelta(days=1)
        part = Period("range", day, min(nxt - datetime.timedelta(days=1), period.end))
        cells = sums(scope, "", _measures([ind]), part).get("", {})
        out.append((f"{day:%Y-%m}" if monthly else f"{day:%m-%d}", value(ind, cells, switch)))
        day = nxt
    return out


def heat(scope: Scope, measure: str, period: Period) -> list[dict]:
    """Cases per H3 cell (resolution 8) over the period: counts only, never a reporter."""
    from h3.api import basic_int as h3i

    cells = sums(scope, "cell", {measure}, period)
    out = []
    for key, figures in cells.items():
        n = sum(cell[0] for cell in figures.get(measure, {}).values())
        if n:
            lat, lon = h3i.cell_to_latlng(int(key))
            out.append({"cell": h3i.int_to_str(int(key)), "lat": round(lat, 5),
                        "lon": round(lon, 5), "n": n})  # fmt: skip
    return sorted(out, key=lambda c: -c["n"])


DRILL_DIMS = ("", *LEAGUES, "cell", "source", "group")


def _drilled(ind: Indicator, part: str):
    return ind.denominator if part == "denominator" and ind.denominator_id else ind.numerator


def drill(user, scope: Scope, ind: Indicator, part: str, period: Period, dim: str = "",
          key: str = ""):  # fmt: skip
    """The cases behind a number: the indicator's numerator (or denominator) over the period,
    for one key of a dimension, within the caller's scope and the cases they may see."""
    if not scope.drill or dim not in DRILL_DIMS:
        raise DomainError(
            CommonError.FORBIDDEN if not scope.drill else StatsError.UNKNOWN_DIMENSION
        )
    measure = _drilled(ind, part)
    rows = CaseMeasure.objects.filter(
        county=scope.county, measure=measure.code, day__range=(period.start, period.end)
    )
    if scope.dim:
        rows = rows.filter(**{f"{scope.dim}__in": scope.keys})
    if dim and key:
        if dim not in TEXT_DIMS and not key.isdigit():
            raise DomainError(StatsError.UNKNOWN_DIMENSION)
        rows = rows.filter(**{dim: key})
    cases = cases_for(user).filter(pk__in=rows.values("case_id"))
    if ind.kind:  # a contribution's kind is its case's: asked of the case, the index suffices
        cases = cases.filter(kind=ind.kind)
    # Newest first by id (the order of opening): the first page is the first 30 cases found
    # walking back, where ordering by the moment would sort every case behind the number.
    return cases.select_related("category", "grid", "region", "department").order_by("-id")


class _Counted(Paginator):
    """Pages of a list whose length is known already."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page, allow_empty_first_page=True)
        self.__dict__["count"] = count


def drill_pages(user, scope: Scope, ind: Indicator, part: str, period: Period, dim: str = "",
                key: str = "", per_page: int = 30) -> Paginator:  # fmt: skip
    """drill() in pages. Where the sums count exactly the cases it lists (a measure counted
    once per case, for a caller who sees every case of the county), their total is the
    number of cases: counting the list would walk every case behind a year's number."""
    found = drill(user, scope, ind, part, period, dim, key)
    measure = _drilled(ind, part)
    if scope.dim or measure.per != Per.CASE or not has_perm(user, Perm.CASES_VIEW):
        return Paginator(found, per_page, allow_empty_first_page=True)
    narrowed = Scope(scope.county, dim, (key,)) if dim and key else scope
    hidden = set(kinds.scoped_kinds())  # cases_for() leaves them out of the list
    cells = sums(narrowed, "", {measure.code}, period).get("", {}).get(measure.code, {})
    count = sum(
        cell[0] for kind, cell in cells.items()
        if kind not in hidden and (not ind.kind or kind == ind.kind)
    )  # fmt: skip
    return _Counted(found, per_page, count)
