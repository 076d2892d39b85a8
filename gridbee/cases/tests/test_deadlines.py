"""Deadlines on the business calendar: working hours, weekends, holidays, adjusted days."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridbee.cases.deadlines import add_working_minutes, deadline, working_minutes_between

SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=0, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        # Within the morning, across lunch, past the end of the day.
        (at(2026, 11, 23, 9, 0), 60, at(2026, 11, 23, 10, 0)),
        (at(2026, 11, 23, 11, 30), 60, at(2026, 11, 23, 15, 0)),
        (at(2026, 11, 23, 17, 30), 60, at(2026, 11, 24, 9, 0)),
        # Reported at night: the clock starts at 08:30.
        (at(2026, 11, 23, 22, 0), 30, at(2026, 11, 24, 9, 0)),
        # Friday afternoon → Monday (a weekend rests).
        (at(2026, 11, 27, 17, 0), 120, at(2026, 11, 30, 9, 30)),
        # National Day: 1–7 October 2026 rest; the clock resumes on Thursday the 8th.
        (at(2026, 9, 30, 17, 0), 120, at(2026, 10, 8, 9, 30)),
        # Saturday 10 October 2026 is an adjusted working day (调休): it counts.
        (at(2026, 10, 9, 17, 0), 120, at(2026, 10, 10, 9, 30)),
        # A normal Saturday does not.
        (at(2026, 10, 16, 17, 0), 120, at(2026, 10, 19, 9, 30)),
        # A full working day is 7 hours (3.5 + 3.5).
        (at(2026, 11, 23, 8, 30), 7 * 60, at(2026, 11, 23, 18, 0)),
    ],
)
def test_working_minutes_follow_hours_weekends_holidays_and_adjusted_days(start, minutes, expected):
    assert add_working_minutes(start, minutes) == expected
    assert working_minutes_between(start, expected) == minutes


def test_emergencies_count_wall_clock_minutes():
    sunday_night = at(2026, 11, 22, 23, 58)
    assert deadline(sunday_night, 3, emergency=True) == at(2026, 11, 23, 0, 1)
    assert deadline(sunday_night, 3, emergency=False) == at(2026, 11, 23, 8, 33)


def test_a_year_without_official_data_counts_weekdays():
    assert add_working_minutes(at(2040, 1, 6, 17, 0), 120) == at(2040, 1, 9, 9, 30)  # Fri→Mon


def test_a_year_without_official_data_is_logged_once_not_once_a_day(caplog):
    with caplog.at_level("WARNING", logger="gridbee.cases.deadlines"):
        add_working_minutes(at(2041, 3, 2, 9, 0), 30 * 8 * 60)  # a month and more of days
    warned = [r.getMessage() for r in caplog.records if "2041" in r.getMessage()]
    assert warned == ["no official holiday data for 2041; counting weekdays only"]


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime.datetime(2025, 1, 1), max_value=datetime.datetime(2026, 12, 1)
    ).map(lambda d: d.replace(tzinfo=SH)),
    minutes=st.integers(min_value=0, max_value=20 * 7 * 60),
)
def test_adding_then_measuring_working_time_gives_it_back(start, minutes):
    end = add_working_minutes(start, minutes)
    assert end >= start
    assert working_minutes_between(start, end) == minutes


moments = st.datetimes(
    min_value=datetime.datetime(2025, 1, 1), max_value=datetime.datetime(2026, 12, 31)
).map(lambda d: d.replace(tzinfo=SH))


@settings(max_examples=300, deadline=None)
@given(a=moments, b=moments, c=moments)
def test_working_time_adds_up_over_any_split_and_never_runs_backwards(a, b, c):
    a, b, c = sorted([a, b, c])
    assert working_minutes_between(c, a) == 0
    ab, bc, ac = (working_minutes_between(x, y) for x, y in ((a, b), (b, c), (a, c)))
    # Whole minutes are floored per span, so two spans may lose one minute between them.
    assert ac - 1 <= ab + bc <= ac
    assert ac <= ((c - a).days + 1) * 7 * 60


def test_a_week_of_working_time_counts_each_working_day_whole():
    # Monday 08:00 to next Monday 08:00 in an ordinary week: five days of seven hours.
    assert working_minutes_between(at(2026, 11, 23, 8, 0), at(2026, 11, 30, 8, 0)) == 5 * 7 * 60
    # Across National Day 2026: 30 September, then 1–7 October rest, 8–10 October work
    # (the 10th a Saturday, 调休), the 11th a Sunday.
    assert working_minutes_between(at(2026, 9, 30, 0, 0), at(2026, 10, 12, 0, 0)) == 4 * 7 * 60
