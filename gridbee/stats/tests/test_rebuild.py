"""The full rebuild (id ranges, raw reads, indexes built after) writes exactly the rows the
worker keeps case by case: the contributions and the daily and monthly sums."""

import pytest
from django.db import connection

from gridbee.cases.models import Case
from gridbee.cases.tests.test_workflow import bring, step
from gridbee.geo.tests import layers
from gridbee.stats import aggregates, engine, rebuilding
from gridbee.stats.demo import create_demo_history
from gridbee.stats.models import CaseMeasure, DailyStat, DirtyDay

pytestmark = pytest.mark.django_db


def contents():
    contributions = sorted(tuple(r.values()) for r in CaseMeasure.objects.values(*engine.COLUMNS))
    daily = sorted(
        tuple(r.values())
        for r in DailyStat.objects.values(
            "county", "day", "kind", "measure", "dim", "key", "n", "minutes", "work_minutes"
        )
    )
    return contributions, daily


def test_the_rebuild_writes_what_refiguring_case_by_case_does(county, monkeypatch):
    # A year of varied history (rework, extensions, 缓办, ratings, reports), and a case taken
    # through the workflow by a partner's report, reopened after it closed.
    create_demo_history(layers.COUNTY, cases=300)
    reopened = bring(county, "handled")
    step(county, reopened, "verify_pass")
    step(county, reopened, "reopen")
    monkeypatch.setattr(aggregates, "BATCH", 37)  # many id ranges, some with no case at all
    aggregates.rebuild()
    rebuilt = contents()
    assert len(rebuilt[0]) > 3000 and len(rebuilt[1]) > 3000

    CaseMeasure.objects.all().delete()
    DailyStat.objects.all().delete()
    ids = list(Case.objects.order_by("?").values_list("pk", flat=True))
    for start in range(0, len(ids), 50):
        aggregates.refigure(ids[start : start + 50])
    while DirtyDay.objects.exists():
        aggregates.sum_dirty()
    assert contents() == rebuilt


@pytest.mark.django_db(transaction=True)
def test_worker_processes_write_what_one_process_does(live_county, monkeypatch):
    # The million-case path: forked workers each write their ranges' contributions (COPY side
    # by side on PostgreSQL, taking turns on SQLite's file) and hand back their sums, which
    # the parent adds up. Each opens connections of its own, whatever it inherited.
    create_demo_history(layers.COUNTY, cases=300)
    monkeypatch.setattr(aggregates, "BATCH", 41)
    monkeypatch.setattr(rebuilding, "PARALLEL_FROM", 10**9)
    aggregates.rebuild()
    alone = contents()
    monkeypatch.setattr(rebuilding, "PARALLEL_FROM", 0)
    monkeypatch.setattr(rebuilding, "WORKERS", 2)
    result = aggregates.rebuild()
    assert contents() == alone
    assert result["contributions"] == len(alone[0]) > 3000
    assert result["daily_rows"] == len(alone[1])


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_over_figures_replaces_them_and_leaves_the_checks_on(live_county):
    # Outside a transaction, as `gridbee rebuild-stats` runs: the tables are cleared by
    # truncation (SQLite with its foreign key check off for that moment) and indexed again.
    create_demo_history(layers.COUNTY, cases=60)
    aggregates.rebuild()
    first = contents()
    assert len(first[0]) > 500
    again = aggregates.rebuild()
    assert contents() == first
    assert set(again["phases"]) == {"clear", "contributions", "daily_rows", "indexes", "analyze"}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
    names = {index.name for model in (CaseMeasure, DailyStat) for index in model._meta.indexes}
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, CaseMeasure._meta.db_table)
        found |= connection.introspection.get_constraints(cursor, DailyStat._meta.db_table)
    assert names <= set(found)
