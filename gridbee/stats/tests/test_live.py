"""The figures follow the closed loop at once: a step taken through the workflow changes
today's figures before the worker runs, and the worker's sweep picks up openings."""

import pytest

from gridbee.cases.tests.test_workflow import bring, step
from gridbee.geo.tests import layers
from gridbee.stats import aggregates, queries
from gridbee.stats.models import DailyStat, DirtyDay

pytestmark = pytest.mark.django_db


def today_figures():
    from django.utils import timezone

    from gridbee.stats import periods

    scope = queries.Scope(layers.COUNTY)
    period = periods.parse("today", timezone.localdate())
    return queries.figures(scope, queries.indicators(scope), period)


def test_closing_a_case_shows_in_todays_figures_at_once(county):
    case = bring(county, "handled")
    got = today_figures()
    assert (got["accepted"], got["dispatched"], got["closed"]) == (1, 1, 0)
    step(county, case, "verify_pass")
    got = today_figures()
    assert (got["due"], got["closed"], got["close_rate"]) == (1, 1, 100.0)
    # The worker sums the day; the figures stay the same.
    assert DirtyDay.objects.exists()
    aggregates.sum_dirty()
    assert not DirtyDay.objects.exists()
    assert DailyStat.objects.filter(dim="", measure="due_closed").get().n == 1
    assert today_figures()["close_rate"] == 100.0


def test_the_sweep_counts_what_the_workflow_did_not_write(county):
    bring(county, "reported")  # opened by a report: no step of the workflow yet
    assert today_figures()["reported"] == 0
    assert aggregates.sweep_timeline() == 1
    assert today_figures()["reported"] == 1
    assert aggregates.sweep_timeline() in (0, 1)  # young events are read again, harmlessly
    assert today_figures()["reported"] == 1
