"""The measures' engine: what one case contributes to each measure (measures are rows, see
models.Measure), computed from its timeline alone, so a rebuild, the worker and the live part
agree by construction.

A condition is a dict over case events: {"event": "handle" | [...], "which": "first"|"last",
"on_time": bool, "from": [statuses], "to": [statuses], "reason_in": [the step's reasons, such
as ratings], "note_in": [free notes]}. "@opened" is the case's opening and "@report" a
report's arrival, which every kind of case has."""

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from h3.api import basic_int as h3i

from gridbee.cases import deadlines

from .models import Measure, Per

OPENED, REPORT = "@opened", "@report"
HEAT_RESOLUTION = 8


@dataclass(frozen=True)
class Ev:
    kind: str
    at: datetime.datetime
    on_time: bool | None = None
    from_status: str = ""
    to_status: str = ""
    note: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Rep:
    at: datetime.datetime
    partner: int | None
    team: int | None
    source: str
    is_first: bool


@dataclass(frozen=True)
class Spec:
    """A measure as the engine reads it (plain values: loaded once per batch)."""

    code: str
    per: str
    event: tuple[str, ...]
    which: str
    where: dict
    requires: tuple[tuple[frozenset[str], dict], ...]  # (the condition's kinds, condition)
    excludes: tuple[tuple[frozenset[str], dict], ...]
    value_from: str
    first_report_only: bool

    @classmethod
    def of(cls, m: Measure) -> "Spec":
        events = m.event if isinstance(m.event, list) else [m.event]
        return cls(m.code, m.per, tuple(events), m.which, dict(m.where or {}),
                   tuple((frozenset(_kinds(c)), c) for c in m.requires or ()),
                   tuple((frozenset(_kinds(c)), c) for c in m.excludes or ()), m.value_from,
                   m.first_report_only)  # fmt: skip


def specs() -> list[Spec]:
    return [Spec.of(m) for m in Measure.objects.all()]


def _kinds(cond: dict) -> tuple[str, ...]:
    kinds = cond.get("event", ())
    return (kinds,) if isinstance(kinds, str) else tuple(kinds)


def _fits(ev: Ev, cond: dict) -> bool:
    if "on_time" in cond and ev.on_time is not cond["on_time"]:
        return False
    if "from" in cond and ev.from_status not in cond["from"]:
        return False
    if "to" in cond and ev.to_status not in cond["to"]:
        return False
    if "reason_in" in cond and ev.reason not in cond["reason_in"]:
        return False
    return not ("note_in" in cond and ev.note not in cond["note_in"])


def _pick(events: list[Ev], kinds: tuple[str, ...], which: str, where: dict | None) -> Ev | None:
    """The first (or last) event of these kinds; with `where`, among those fitting it."""
    found = [e for e in events if e.kind in kinds and (where is None or _fits(e, where))]
    if not found:
        return None
    return found[-1] if which == "last" else found[0]


def _holds(events: list[Ev], kinds: frozenset[str], cond: dict) -> bool:
    """The case has an event fitting cond; with "which", its first/last of the kinds fits."""
    if "which" in cond:
        ev = _pick(events, kinds, cond["which"], None)
        return ev is not None and _fits(ev, cond)
    return any(e.kind in kinds and _fits(e, cond) for e in events)


def timeline(opened_at: datetime.datetime, events: Iterable[Ev]) -> list[Ev]:
    return [Ev(OPENED, opened_at), *sorted(events, key=lambda e: e.at)]


@dataclass
class Facts:
    """A case's dimensions (what its rows count under)."""

    case: int
    county: str
    kind: str
    region: str
    grid: int | None
    category: int | None
    group: str
    department: int | None
    cell: int | None  # resolution 10, as cases store it
    source: str


_tz = None


def local_day(at: datetime.datetime) -> datetime.date:
    global _tz
    if _tz is None:
        _tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return at.astimezone(_tz).date()


def town_of(region: str) -> str:
    return region[:9] + "000" if len(region) == 12 and region[6:9] != "000" else ""


def contributions(facts: Facts, events: list[Ev], reports: list[Rep], measures: list[Spec]):
    """Yield (measure code, day, minutes, working minutes, report or None) for one case;
    `events` is its timeline (with the opening first)."""
    # Most measures wait for a kind of event the case has not had: skip those without a look.
    present = {e.kind for e in events}
    for m in measures:
        if m.per != Per.REPORT and present.isdisjoint(m.event):
            continue
        if any(present.isdisjoint(k) or not _holds(events, k, c) for k, c in m.requires):
            continue
        if any(not present.isdisjoint(k) and _holds(events, k, c) for k, c in m.excludes):
            continue
        if m.per == Per.REPORT:
            dating = None
            if m.event != (REPORT,):
                dating = _pick(events, m.event, m.which, m.where or None)
                if dating is None:
                    continue
            for rep in reports:
                if m.first_report_only and not rep.is_first:
                    continue
                yield m.code, local_day(dating.at if dating else rep.at), 0, 0, rep
            continue
        dating = _pick(events, m.event, m.which, m.where or None)
        if dating is None:
            continue
        minutes = work = 0
        if m.value_from:
            start = _pick(events, (m.value_from,), "first", None)
            if start is None or start.at > dating.at:
                continue
            minutes = int((dating.at - start.at).total_seconds() // 60)
            work = deadlines.working_minutes_between(start.at, dating.at)
        yield m.code, local_day(dating.at), minutes, work, None


# The CaseMeasure fields (attnames) a row of rows() holds, in order.
COLUMNS = ("case_id", "county", "measure", "day", "month", "kind", "minutes", "work_minutes",
           "town", "region", "grid", "category", "group", "department", "source", "partner",
           "team", "cell")  # fmt: skip
COUNTY, MEASURE, DAY, MONTH, KIND, MINUTES, WORK = (
    COLUMNS.index(name)
    for name in ("county", "measure", "day", "month", "kind", "minutes", "work_minutes")
)


def rows(facts: Facts, events: list[Ev], reports: list[Rep], measures: list[Spec]) -> list[tuple]:
    """The CaseMeasure rows (as tuples of COLUMNS) of one case."""
    cell = h3i.cell_to_parent(facts.cell, HEAT_RESOLUTION) if facts.cell else None
    town = town_of(facts.region)
    out = []
    for code, day, minutes, work, rep in contributions(facts, events, reports, measures):
        if rep is None:
            source, partner, team = facts.source, None, None
        else:
            source, partner, team = rep.source, rep.partner, rep.team
        out.append((facts.case, facts.county, code, day, day.replace(day=1), facts.kind, minutes,
                    work, town, facts.region, facts.grid, facts.category, facts.group,
                    facts.department, source, partner, team, cell))  # fmt: skip
    return out
