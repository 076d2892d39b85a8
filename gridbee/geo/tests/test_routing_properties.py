"""Properties of routing over the demo county's irregular grids."""

import numpy as np
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gridbee.geo import crs, routing
from gridbee.geo.models import Grid

# The layer is read-only in these tests, so one install serves every example.
PROPERTY = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def load_grids():
    rows = list(Grid.objects.order_by("code").values_list("code", "geom"))
    return [c for c, _ in rows], shapely.from_wkb([bytes(g) for _, g in rows])


def point_inside(polygon, pick: float, u: float, v: float):
    """A point strictly inside polygon: a triangle of its triangulation chosen by area, then
    barycentric coordinates inside that triangle."""
    triangles = shapely.get_parts(shapely.constrained_delaunay_triangles(polygon))
    areas = np.cumsum(shapely.area(triangles))
    tri = triangles[min(int(np.searchsorted(areas, pick * areas[-1])), len(triangles) - 1)]
    (ax, ay), (bx, by), (cx, cy) = list(tri.exterior.coords)[:3]
    if u + v > 1:
        u, v = 1 - u, 1 - v
    return shapely.Point(ax + u * (bx - ax) + v * (cx - ax), ay + u * (by - ay) + v * (cy - ay))


unit = st.floats(min_value=0.001, max_value=0.999)


@given(data=st.data())
@PROPERTY
def test_a_random_point_inside_a_grid_routes_to_that_grid(huishui_layer, data):
    codes, geoms = load_grids()
    i = data.draw(st.integers(0, len(codes) - 1))
    point = point_inside(geoms[i], data.draw(unit), data.draw(unit), data.draw(unit))
    assume(geoms[i].contains_properly(point))  # not on an edge shared with a neighbour
    assert routing.locate(point.y, point.x).grid.code == codes[i]


@given(data=st.data(), system=st.sampled_from(["gcj02", "bd09"]))
@PROPERTY
def test_the_same_point_declared_in_a_chinese_map_system_routes_the_same(
    huishui_layer, data, system
):
    codes, geoms = load_grids()
    i = data.draw(st.integers(0, len(codes) - 1))
    point = point_inside(geoms[i], data.draw(unit), data.draw(unit), data.draw(unit))
    assume(
        geoms[i].buffer(-1e-6).contains(point)
    )  # a hair inside: conversions round-trip to ~1e-9°
    lon, lat = crs.from_wgs84(point.x, point.y, system)
    assert routing.locate(lat, lon, system).grid.code == codes[i]
