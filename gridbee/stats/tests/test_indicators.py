"""The indicators over case events: Tianmen's month and Jinhua's denominator reproduced
exactly, the 缓办 switch, working time, and a case that changes after its day was summed."""

import datetime

import pytest
from django.utils import timezone

from gridbee.geo.tests import layers
from gridbee.stats import aggregates, queries, synthetic
from gridbee.stats.models import CountySettings, DailyStat, DirtyDay
from gridbee.stats.periods import Period

from .history import at, closed, held, in_hand, overdue, plan, rebuild, step

MARCH = Period("range", datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
pytestmark = pytest.mark.django_db


def county_figures(period=MARCH, codes=None):
    scope = queries.Scope(layers.COUNTY)
    inds = [i for i in queries.indicators(scope) if codes is None or i.code in codes]
    return queries.figures(scope, inds, period)


def march_days(n):
    """n moments spread over March's first 20 days (each case falls due within March)."""
    return [at(f"2026-03-{1 + i % 20:02d}", f"{8 + i % 3:02d}:{i % 60:02d}") for i in range(n)]


def test_tianmen_one_month(county):
    # 996 立案, 972 应结案, 911 结案 (737 按期), 61 overdue and open, 24 still in hand.
    days = iter(march_days(996))
    plans = [closed(county, next(days), on_time=True) for _ in range(737)]
    plans += [closed(county, next(days), on_time=False) for _ in range(174)]
    plans += [overdue(county, next(days)) for _ in range(61)]
    plans += [in_hand(county, next(days)) for _ in range(24)]
    synthetic.write(plans)
    rebuild()
    got = county_figures()
    assert got["accepted"] == 996
    assert got["due"] == 972
    assert got["closed"] == 911
    assert got["close_rate"] == 93.72
    assert got["closed_on_time"] == 737
    assert got["on_time_rate"] == 75.82
    assert got["overdue"] == 61


def test_jinhua_leaves_held_cases_out_of_the_denominator_when_the_county_says_so(county):
    # 应结案 100 of which 缓办 10; 按期结案 81: 81% as usual, 81 / (100 − 10) = 90% in Jinhua.
    days = iter(march_days(100))
    plans = [closed(county, next(days)) for _ in range(81)]
    plans += [overdue(county, next(days)) for _ in range(9)]
    plans += [held(county, next(days)) for _ in range(10)]
    synthetic.write(plans)
    rebuild()
    got = county_figures()
    assert (got["due"], got["closed_on_time"], got["on_time_rate"]) == (100, 81, 81.0)
    CountySettings.objects.create(county_id=layers.COUNTY, held_leaves_denominator=True)
    got = county_figures()
    assert got["on_time_rate"] == 90.0
    assert got["close_rate"] == 90.0
    assert got["due"] == 100  # the count itself stays what it is


def test_average_handling_time_in_working_or_calendar_time(county):
    # Dispatched Friday 17:00, closed Monday 09:30: 64.5 h on the clock, 2 working hours
    # (Friday 17:00–18:00, Monday 08:30–09:30).
    friday = at("2026-03-06", "16:00")
    synthetic.write([plan(county, friday, step("accept", 30, True), step("dispatch", 60, True),
                          step("handle", 60 + 64 * 60, True, "ok"),
                          step("verify_pass", 60 + 64 * 60 + 30, True))])  # fmt: skip
    rebuild()
    assert county_figures(codes={"handling_hours"})["handling_hours"] == 2.0
    from gridbee.stats.models import Indicator

    Indicator.objects.filter(code="handling_hours").update(days="calendar")
    assert county_figures(codes={"handling_hours"})["handling_hours"] == 64.5


def test_a_case_changed_after_its_day_was_summed_changes_that_day(county):
    [case_id] = synthetic.write([overdue(county, at("2026-03-10"))])  # due on 12 March, open
    rebuild()
    assert county_figures()["close_rate"] == 0.0
    assert not DirtyDay.objects.exists()
    # In April the department finishes and the grid centre closes it: March's figure rises.
    from gridbee.cases.models import CaseEvent

    for kind, day, on_time, frm, to in [
        ("handle", "2026-04-02", False, "signed", "handled"),
        ("verify_pass", "2026-04-02", False, "handled", "closed"),
    ]:  # fmt: skip
        CaseEvent.objects.create(case_id=case_id, kind=kind, at=at(day, "10:00"),
                                 on_time=on_time, from_status=frm, to_status=to)  # fmt: skip
    assert aggregates.sweep_timeline(now=at("2026-04-03")) == 1
    # Right at once (the day is read from the contributions until it is summed again)…
    assert county_figures()["close_rate"] == 100.0
    assert DirtyDay.objects.filter(day=datetime.date(2026, 3, 12)).exists()
    # …and in the daily rows once the worker has summed it.
    aggregates.sum_dirty()
    assert not DirtyDay.objects.exists()
    row = DailyStat.objects.get(dim="", measure="due_closed", day=datetime.date(2026, 3, 12))
    assert row.n == 1
    assert county_figures()["close_rate"] == 100.0


def test_claims_are_counted_by_rows_not_code(county):
    # A kind named "claim" taking the same steps: its 三率 come from the seeded rows.
    days = iter(march_days(4))
    synthetic.write([
        plan(county, next(days), step("accept", 10, True), step("dispatch", 20, True),
             step("handle", 100, True, "ok"), step("verify_pass", 120, True),
             step("rate", 200, None, "satisfied"), kind="claim"),
        plan(county, next(days), step("accept", 10, False), kind="claim"),
        plan(county, next(days), step("reject", 10, True, "duplicate"), kind="claim"),
        closed(county, next(days)),  # a photo report: not a claim
    ])  # fmt: skip
    rebuild()
    scope = queries.Scope(layers.COUNTY)
    claims = [i for i in queries.indicators(scope) if i.kind == "claim"]
    got = queries.figures(scope, claims, MARCH)
    assert got == {
        "claim_response_rate": 66.67,  # 2 of 3 answered in time (accepted or not)
        "claim_resolution_rate": 100.0,
        "claim_satisfaction": 100.0,
    }
    assert county_figures()["reported"] == 1


def test_a_rating_with_a_comment_counts_by_its_reason(county):
    # Rated through the workflow, each with the reporter's words beside the rating.
    from gridbee.cases.tests.test_timeline_presenters import another_case
    from gridbee.cases.tests.test_workflow import bring
    from gridbee.cases.tests.test_workflow import step as act

    pleased, displeased = bring(county, "closed"), another_case(county, "second")
    for action in ("accept", "dispatch", "sign", "handle", "verify_pass"):
        act(county, displeased, action)
    act(county, pleased, "rate", reason="fairly", note="处理得还行")
    act(county, displeased, "rate", reason="dissatisfied", note="拖了三天")
    aggregates.refigure([pleased.pk, displeased.pk])
    today = timezone.localdate()
    got = county_figures(Period("range", today, today), {"satisfaction"})
    assert got == {"satisfaction": 50.0}
