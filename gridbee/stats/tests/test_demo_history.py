"""The demo's history follows the closed loop's rules and gives plausible figures."""

import time

import pytest
from django.utils import timezone

from gridbee.cases.models import Case
from gridbee.geo.tests import layers
from gridbee.stats import periods, queries
from gridbee.stats.demo import create_demo_history

pytestmark = pytest.mark.django_db


def test_a_year_of_history_has_plausible_rates(county):
    started = time.monotonic()
    assert create_demo_history(layers.COUNTY, cases=600) == 600
    elapsed = time.monotonic() - started
    assert Case.objects.filter(status="closed").count() > 400
    scope = queries.Scope(layers.COUNTY)
    year = periods.parse(f"{timezone.localdate().year - 1}-01-01..{timezone.localdate()}",
                         timezone.localdate())  # fmt: skip
    got = queries.figures(scope, queries.indicators(scope), year)
    assert 85 <= got["close_rate"] <= 100
    assert 70 <= got["on_time_rate"] <= 95
    assert 1 <= got["rework_rate"] <= 10
    assert 80 <= got["satisfaction"] <= 100
    assert got["handling_hours"] > 0
    print(f"history of 600 cases: {elapsed:.1f} s")
