"""A month of history in the fixture county for the scoping and page tests: cases in two grids,
handled by two departments, one reported by the fixture's partner."""

from gridbee.cases.models import Report
from gridbee.geo.models import Grid
from gridbee.geo.tests import layers
from gridbee.people.models import Department
from gridbee.people.tests.county import GRID_1, GRID_3
from gridbee.stats import aggregates, synthetic
from gridbee.stats.defaults import ensure_indicators

from .history import at, closed, overdue

MARCH = "2026-03-01..2026-03-31"


def month_of_history(county):
    """10 cases of 城管局 in grid 1 (8 closed on time, 2 overdue), 5 of 水务局 in grid 3
    (all closed on time); the first case was reported by the fixture's partner."""
    ensure_indicators()
    water = Department.objects.create(county_id=layers.COUNTY, code="swj", name="水务局")
    g1, g3 = Grid.objects.get(code=GRID_1), Grid.objects.get(code=GRID_3)
    plans = []
    for i in range(10):
        p = (closed if i < 8 else overdue)(county, at(f"2026-03-{i + 2:02d}"))
        p.grid_id, p.region = g1.pk, layers.COMMUNITY_1
        p.lat, p.lon = layers.Y0 + 0.005, layers.X0 + 0.005
        plans.append(p)
    for i in range(5):
        p = closed(county, at(f"2026-03-{i + 2:02d}", "10:00"))
        p.grid_id, p.region, p.department_id = g3.pk, layers.COMMUNITY_2, water.pk
        p.lat, p.lon = layers.Y0 + 0.015, layers.X0 + 0.025
        plans.append(p)
    ids = synthetic.write(plans)
    first = Report.objects.model  # the partner's report of the first case
    from gridbee.cases.models import Case, Category

    case = Case.objects.get(pk=ids[0])
    report = first.objects.create(
        source="app", partner=county.partner, sender=f"p{county.partner.pk}",
        idempotency_key="history-1", category=Category.objects.get(code="overflowing_bins"),
        case=case, is_first=True, lat=layers.Y0, lon=layers.X0, declared_crs="wgs84",
        region_id=layers.COMMUNITY_1, answer={},
    )  # fmt: skip
    Report.objects.filter(pk=report.pk).update(received_at=case.opened_at)
    Case.objects.filter(pk=case.pk).update(first_report=report)
    aggregates.rebuild()
    county.water, county.g1, county.g3, county.history = water, g1, g3, ids
    return ids
