"""Timelines for the indicator tests, written as the workflow writes them (synthetic.py)."""

import datetime

from django.utils import timezone

from gridbee.cases.models import Category
from gridbee.geo.tests import layers
from gridbee.stats import aggregates, synthetic

TZ = timezone.get_fixed_timezone(8 * 60)


def at(day: str, hhmm: str = "09:00") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=TZ)


def plan(county, opened: datetime.datetime, *steps, kind="report") -> synthetic.Plan:
    category = Category.objects.get(code="overflowing_bins")
    return synthetic.Plan(
        county=layers.COUNTY, region=layers.COMMUNITY_1, opened_at=opened,
        steps=[(a, m, t, n) for a, m, t, n in steps], category_id=category.pk,
        department_id=county.department.pk, kind=kind,
    )  # fmt: skip


def step(action, minutes, on_time=None, note=""):
    return (action, minutes, on_time, note)


ACCEPT, DISPATCH = step("accept", 30, True), step("dispatch", 60, True)


def closed(county, opened, *, on_time=True):
    handle = step("handle", 600, on_time, "已清运")
    return plan(county, opened, ACCEPT, DISPATCH, step("sign", 90, True), handle,
                step("verify_pass", 700, on_time))  # fmt: skip


def overdue(county, opened):
    return plan(county, opened, ACCEPT, DISPATCH, step("escalate", 3000))


def held(county, opened):
    return plan(county, opened, ACCEPT, DISPATCH, step("hold", 200, True, "等待天晴"))


def in_hand(county, opened):
    return plan(county, opened, ACCEPT, DISPATCH)


def rebuild() -> None:
    aggregates.rebuild()
