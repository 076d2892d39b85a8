import numpy as np
import pytest
import shapely
from django.db import connection

from gridbee.core.errors import DomainError
from gridbee.geo import crs, routing
from gridbee.geo.actions import import_grids
from gridbee.geo.index import LayerIndex, current_index
from gridbee.geo.models import Grid, LayerRevision

from .layers import COMMUNITY_1, COMMUNITY_2, X0, Y0, box, feature


def at(dx, dy, crs_name="wgs84"):
    return routing.locate(Y0 + dy, X0 + dx, crs_name)


def test_a_point_inside_a_grid_routes_to_it_with_its_chain_of_regions(tiny_layer):
    location = at(0.005, 0.015)
    assert location.match == "grid" and not location.fallback
    assert location.grid.code == COMMUNITY_1 + "002"
    assert location.grid.kind == "dedicated"
    assert [r.code for r in location.regions] == [
        "520000000000", "522700000000", "522731000000", "522731001000", COMMUNITY_1,
    ]  # fmt: skip
    assert location.region.name == "凤山社区"


def test_a_point_in_no_grid_falls_back_to_the_smallest_region_containing_it(tiny_layer):
    location = at(0.035, 0.015)
    assert location.match == "region" and location.fallback
    assert location.grid is None
    assert location.region.code == COMMUNITY_2
    assert location.region.level_name == "community"


def test_a_point_outside_every_region_says_so(tiny_layer):
    location = at(1.0, 1.0)
    assert location.match == "none"
    assert location.regions == ()


def test_a_point_declared_in_gcj02_or_bd09_is_converted_before_routing(tiny_layer):
    lon, lat = X0 + 0.028, Y0 + 0.005  # grid 001 of community 2, 0.002° from its east edge
    for name in ("gcj02", "bd09"):
        shifted_lon, shifted_lat = crs.from_wgs84(lon, lat, name)
        assert routing.locate(shifted_lat, shifted_lon, name).grid.code == COMMUNITY_2 + "001"
        # The same numbers read as WGS-84 fall outside that grid: declaring the system matters.
        assert routing.locate(shifted_lat, shifted_lon).fallback


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(91, 106), (-90.5, 106), (26, 180.1), (26, -181), (float("nan"), 106), (26, float("inf"))],
)
def test_out_of_range_coordinates_are_refused(tiny_layer, lat, lon):
    with pytest.raises(DomainError) as caught:
        routing.locate(lat, lon)
    assert caught.value.code == "geo.coordinates_out_of_range"


def test_an_unknown_coordinate_system_is_refused(tiny_layer):
    with pytest.raises(DomainError) as caught:
        routing.locate(26.1, 106.6, "epsg3857")
    assert caught.value.code == "geo.unknown_crs"


def test_a_point_on_a_shared_edge_goes_to_the_lower_code_in_single_and_batch(tiny_layer):
    assert at(0.01, 0.01).grid.code == COMMUNITY_1 + "001"
    assert list(routing.grid_codes_at([Y0 + 0.01], [X0 + 0.01])) == [COMMUNITY_1 + "001"]


def test_batch_routing_agrees_with_single_routing(tiny_layer):
    rng = np.random.default_rng(7)
    lons = X0 + rng.uniform(-0.01, 0.05, 500)
    lats = Y0 + rng.uniform(-0.01, 0.03, 500)
    singles = [routing.locate(lat, lon) for lat, lon in zip(lats, lons, strict=True)]
    assert list(routing.grid_codes_at(lats, lons)) == [s.grid and s.grid.code for s in singles]
    assert {s.match for s in singles} == {"grid", "region", "none"}


def test_batch_routing_converts_declared_systems_and_refuses_bad_input(tiny_layer):
    lon, lat = crs.from_wgs84(X0 + 0.028, Y0 + 0.005, "bd09")
    assert list(routing.grid_codes_at([lat], [lon], "bd09")) == [COMMUNITY_2 + "001"]
    with pytest.raises(DomainError, match=r"geo\.coordinates_out_of_range"):
        routing.grid_codes_at([26.1, 95.0], [106.6, 106.6])
    with pytest.raises(DomainError, match=r"geo\.unknown_crs"):
        routing.grid_codes_at([26.1], [106.6], "mercator")


def test_the_index_follows_imports_made_in_this_process(tiny_layer):
    assert at(0.035, 0.005).fallback
    import_grids([feature(box(0.03, 0, 0.04, 0.01), code=COMMUNITY_2 + "002", name="新网格")])
    assert at(0.035, 0.005).grid.code == COMMUNITY_2 + "002"


def test_the_index_follows_changes_made_by_another_process(tiny_layer):
    before = current_index()
    assert at(0.005, 0.005).grid.name == "凤山第1网格"
    # Another process renames the grid and renews the token; this one only sees the database.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Grid._meta.db_table} SET name = %s WHERE code = %s",
            ["改名网格", COMMUNITY_1 + "001"],
        )
        cursor.execute(f"UPDATE {LayerRevision._meta.db_table} SET revision = 'elsewhere'")
    assert at(0.005, 0.005).grid.name == "改名网格"
    assert current_index() is not before


def test_between_checks_the_index_answers_without_touching_the_database(
    tiny_layer, settings, django_assert_num_queries
):
    current_index()
    settings.GRID_INDEX_CHECK_SECONDS = 3600
    current_index()  # the check just made counts from now
    with django_assert_num_queries(0):
        for _ in range(100):
            at(0.005, 0.005)


def test_an_index_can_be_built_for_an_empty_layer(db):
    index = LayerIndex.from_database()
    assert len(index) == 0
    assert routing.locate(26.1, 106.6).match == "none"


def test_the_fast_point_query_agrees_with_shapelys_public_one(tiny_layer):
    index = current_index()
    fast = index._query
    rng = np.random.default_rng(3)
    lons, lats = X0 + rng.uniform(-0.01, 0.05, 200), Y0 + rng.uniform(-0.01, 0.03, 200)
    for lon, lat in zip(lons, lats, strict=True):
        point = shapely.Point(lon, lat)
        public = index.grid_tree.query(point, predicate="intersects")
        assert sorted(fast(point).tolist()) == sorted(public.tolist())
