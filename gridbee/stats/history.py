"""Years of plausible history, step by step by the closed loop's own rules: each deadline from
the business calendar (cases/deadlines.py) and the category's handling time, each step's
on-time flag by comparing its moment with that deadline, as workflow.act does. The rates are
those counties publish (about 94% accepted, 97% dispatched right, 88% handled on time, 4%
reworked, 3% extended, 3% on hold, 60% of the closed rated, 90% of them satisfied). Cases whose
steps reach into the future stay open where their timeline stops."""

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass

from gridbee.cases import deadlines
from gridbee.cases.dedup import cell_of

from .synthetic import Plan

ORDINARY = "ordinary"


@dataclass(frozen=True)
class Place:
    grid_id: int
    region: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Kind:
    category_id: int
    handling_minutes: int
    department_id: int


def _late(rng: random.Random, rate: float) -> float:
    """A delay as a share of the time allowed: past 1 with probability `rate`."""
    return rng.uniform(1.05, 3.0) if rng.random() < rate else rng.uniform(0.05, 0.95)


def plans(county: str, places: list[Place], kinds: list[Kind], *, n: int,
          start: datetime.datetime, end: datetime.datetime, now: datetime.datetime,
          seed: int = 16) -> Iterator[Plan]:  # fmt: skip
    rng = random.Random(seed)
    span = (end - start).total_seconds()
    accept_min = deadlines.step_minutes(ORDINARY, "accept")
    dispatch_min = deadlines.step_minutes(ORDINARY, "dispatch")
    for _ in range(n):
        opened = start + datetime.timedelta(seconds=rng.random() * span)
        place, kind = rng.choice(places), rng.choice(kinds)
        lat = place.lat + rng.uniform(-0.003, 0.003)
        lon = place.lon + rng.uniform(-0.003, 0.003)
        plan = Plan(county=county, region=place.region, opened_at=opened, grid_id=place.grid_id,
                    category_id=kind.category_id, department_id=kind.department_id,
                    lat=lat, lon=lon, h3_cell=cell_of(lat, lon))  # fmt: skip
        plan.steps = list(_steps(rng, opened, kind, accept_min, dispatch_min, now))
        yield plan


def _steps(rng, opened, kind: Kind, accept_min, dispatch_min, now):
    add = deadlines.add_working_minutes

    def timed(action, start, allowed, late_rate, note=""):
        due = add(start, allowed)
        at = add(start, max(1, int(allowed * _late(rng, late_rate))))
        return (action, at, at <= due, note), at, due

    step, at, _ = (
        timed("reject", opened, accept_min, 0.03, "duplicate")
        if rng.random() < 0.06
        else timed("accept", opened, accept_min, 0.05)
    )
    if at > now:
        return
    yield step
    if step[0] == "reject":
        return
    if rng.random() < 0.03:  # sent to the wrong department, handed back, sent again
        step, at, _ = timed("dispatch", at, dispatch_min, 0.05)
        if at > now:
            return
        yield step
        at += datetime.timedelta(minutes=rng.randint(20, 300))
        yield ("return", at, True, "不属于本部门")
    step, at, _ = timed("dispatch", at, dispatch_min, 0.06)
    if at > now:
        return
    yield step
    dispatched = at
    at += datetime.timedelta(minutes=rng.randint(5, 90))
    if at > now:
        return
    yield ("sign", at, True, "")
    allowed = kind.handling_minutes
    if rng.random() < 0.03:  # 延期: asked for and approved
        ask = at + datetime.timedelta(minutes=rng.randint(30, 600))
        if ask > now:
            return
        yield ("request_extension", ask, True, "需要协调")
        yield ("approve_extension", ask + datetime.timedelta(minutes=30), True, "")
        allowed += allowed // 2
    if rng.random() < 0.03:  # 缓办
        hold = at + datetime.timedelta(minutes=rng.randint(60, 2000))
        if hold > now:
            return
        yield ("hold", hold, True, "等待天晴")
        return
    reworks = 1 if rng.random() < 0.04 else 0
    start = dispatched
    for attempt in range(reworks + 1):
        step, at, due = timed("handle", start, allowed, 0.12, "已处置")
        if at > due and due <= now:
            yield ("escalate", due + datetime.timedelta(minutes=1), None, "")
        if at > now:
            return
        yield step
        check = at + datetime.timedelta(minutes=rng.randint(10, 1440))
        if check > now:
            return
        if attempt < reworks:
            yield ("verify_fail", check, check <= due, "仍未清理")
            start = check
            continue
        yield ("verify_pass", check, check <= due, "")
        if rng.random() < 0.6:
            rated = check + datetime.timedelta(minutes=rng.randint(30, 4000))
            if rated <= now:
                note = rng.choices(["satisfied", "fairly", "dissatisfied"], [80, 12, 8])[0]
                yield ("rate", rated, None, note)
