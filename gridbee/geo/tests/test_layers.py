"""The generated layers: the demo county 惠水县 and the synthetic benchmark province."""

import hashlib
import itertools
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from gridbee.geo import demo_layer, synthetic
from gridbee.geo.demo_layer import KM_PER_DEG_LAT, KM_PER_DEG_LON, SEAT_LAT, SEAT_LON
from gridbee.geo.geojson import write_geojson

M2 = 1.0  # tolerance for slivers, in m²


def metres(geometry):
    """lon/lat -> metres east/north of the county seat, for areas."""
    scale = np.array([KM_PER_DEG_LON * 1000, KM_PER_DEG_LAT * 1000])
    return shapely.transform(geometry, lambda xy: (xy - (SEAT_LON, SEAT_LAT)) * scale)


def overlap_m2(geoms) -> float:
    """Total area (m²) where two of geoms overlap."""
    geoms = np.asarray(geoms, dtype=object)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="overlaps")
    pairs = left < right
    return float(shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]])).sum())


# --- 惠水县 ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def regions():
    return demo_layer.huishui_regions()


@pytest.fixture(scope="module")
def grids():
    return demo_layer.huishui_grids()


@pytest.fixture(scope="module")
def shapes(regions, grids):
    """code -> polygon in metres, for regions with geometry and grids."""
    features = [f for f in regions + grids if f["geometry"] is not None]
    return {f["properties"]["code"]: metres(shape(f["geometry"])) for f in features}


@pytest.fixture(scope="module")
def children(regions):
    out = defaultdict(list)
    for f in regions:
        out[f["properties"]["parent_code"]].append(f["properties"]["code"])
    return out


@pytest.fixture(scope="module")
def grids_of(grids):
    out = defaultdict(list)
    for f in grids:
        out[f["properties"]["code"][:12]].append(f["properties"]["code"])
    return out


def test_every_division_is_present_with_its_level_and_parent(regions):
    rows = demo_layer.read_divisions()
    assert [
        (p["code"], p["name"], p["level"], p["parent_code"])
        for p in (f["properties"] for f in regions)
    ] == rows
    assert Counter(r[2] for r in rows) == {
        "province": 1,
        "city": 1,
        "county": 1,
        "town": 11,
        "community": 216,
    }
    seen = set()
    for f in regions:
        p = f["properties"]
        assert p["parent_code"] is None or p["parent_code"] in seen  # parents first
        seen.add(p["code"])
        if p["level"] in ("province", "city"):
            assert f["geometry"] is None
        else:
            assert f["geometry"]["type"] == "Polygon"


def test_two_to_four_grids_per_community_with_unique_derived_codes(regions, grids, grids_of):
    communities = {
        f["properties"]["code"] for f in regions if f["properties"]["level"] == "community"
    }
    assert set(grids_of) == communities
    assert all(2 <= len(codes) <= 4 for codes in grids_of.values())
    codes = [f["properties"]["code"] for f in grids]
    assert len(set(codes)) == len(codes)
    for codes_of_one in grids_of.values():
        assert [c[12:] for c in codes_of_one] == [
            f"{i:03d}" for i in range(1, len(codes_of_one) + 1)
        ]
    assert all(len(c) == 15 and c.isdigit() for c in codes)
    kinds = Counter(f["properties"]["kind"] for f in grids)
    assert set(kinds) == {"comprehensive", "dedicated"}
    assert 0.02 < kinds["dedicated"] / len(grids) < 0.1
    for f in grids:
        assert f["properties"]["name"].endswith("网格")


def test_geometries_are_valid_closed_and_at_six_decimals(regions, grids):
    for f in regions + grids:
        if f["geometry"] is None:
            continue
        for ring in f["geometry"]["coordinates"]:
            assert ring[0] == ring[-1]
            assert all(round(x, 6) == x and round(y, 6) == y for x, y in ring)
        geom = shape(f["geometry"])
        assert geom.is_valid, f["properties"]["code"]
        assert shapely.is_ccw(geom.exterior)  # RFC 7946


def test_the_county_is_about_huishui(shapes):
    county = shapes["522731000000"]
    assert county.area / 1e6 == pytest.approx(demo_layer.COUNTY_AREA_KM2, rel=0.01)
    seat = shapely.Point(0, 0)  # the county seat, in metres from itself
    assert shapes["522731001000"].contains(seat)  # 涟江街道
    street_km2 = [shapes[f"522731{t}000"].area / 1e6 for t in ("001", "002", "003")]
    town_km2 = [shapes[f"522731{t}000"].area / 1e6 for t in range(102, 110)]
    assert max(street_km2) < min(town_km2)


@pytest.mark.parametrize("level", ["county", "town"])
def test_children_tile_their_parent(regions, shapes, children, level):
    for parent in (f["properties"]["code"] for f in regions if f["properties"]["level"] == level):
        kids = [shapes[c] for c in children[parent]]
        assert shapely.coverage_is_valid(np.array(kids))
        assert overlap_m2(kids) < M2
        union = shapely.union_all(kids)
        assert union.area == pytest.approx(shapes[parent].area, rel=1e-3)
        assert shapely.difference(union, shapes[parent]).area < M2


def segments(feature) -> Counter:
    """Undirected edges of a feature's rings, exactly as written."""
    out = Counter()
    for ring in feature["geometry"]["coordinates"]:
        out.update(frozenset((tuple(a), tuple(b))) for a, b in itertools.pairwise(ring))
    return out


def test_neighbours_share_identical_edges(regions, grids, children):
    """Each inner edge is written identically by both neighbours; the outer ones are the
    parent's edges: towns in the county, communities in each town, grids in urban
    communities."""
    by_code = {f["properties"]["code"]: f for f in regions + grids}
    grid_codes = defaultdict(list)
    for f in grids:
        grid_codes[f["properties"]["code"][:12]].append(f["properties"]["code"])
    parents = [f for f in regions if f["properties"]["level"] in ("county", "town")]
    urban = [
        f
        for f in regions
        if f["properties"]["level"] == "community" and demo_layer.is_urban(f["properties"]["name"])
    ]
    for parent in parents + urban:
        code = parent["properties"]["code"]
        kids = grid_codes[code] if parent["properties"]["level"] == "community" else children[code]
        edges = sum((segments(by_code[c]) for c in kids), Counter())
        assert set(edges.values()) <= {1, 2}, code
        assert {e for e, n in edges.items() if n == 1} == set(segments(parent)), code


def test_grids_lie_in_their_community_without_overlapping(grids, shapes, grids_of):
    all_grids = np.array([shapes[f["properties"]["code"]] for f in grids])
    assert shapely.coverage_is_valid(all_grids)
    for community, codes in grids_of.items():
        polys = [shapes[c] for c in codes]
        assert overlap_m2(polys) < M2
        for poly in polys:
            assert shapely.difference(poly, shapes[community]).area < M2


def test_urban_grids_cover_their_community_and_villages_keep_land_outside(
    regions, shapes, grids_of
):
    village_area = outside = 0.0
    for f in regions:
        p = f["properties"]
        if p["level"] != "community":
            continue
        gap = shapely.difference(
            shapes[p["code"]], shapely.union_all([shapes[c] for c in grids_of[p["code"]]])
        ).area
        if demo_layer.is_urban(p["name"]):
            assert gap < M2
        else:
            assert gap > 0.1 * shapes[p["code"]].area  # 属地兜底: the village itself
            village_area += shapes[p["code"]].area
            outside += gap
    assert 0.3 < outside / village_area < 0.9


def _digest(features) -> str:
    return hashlib.sha256(json.dumps(features, ensure_ascii=False).encode()).hexdigest()


def test_the_demo_layer_is_deterministic(regions, grids):
    demo_layer._layer.cache_clear()
    assert demo_layer.huishui_regions() == regions
    assert demo_layer.huishui_grids() == grids
    script = (
        "import hashlib, json; from gridbee.geo import demo_layer as d; "
        "f = d.huishui_regions() + d.huishui_grids(); "
        "print(hashlib.sha256(json.dumps(f, ensure_ascii=False).encode()).hexdigest())"
    )
    root = Path(demo_layer.__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert other.stdout.strip() == _digest(regions + grids)


# --- the synthetic province -----------------------------------------------------------------


@pytest.fixture(scope="module")
def province():
    regions, grids = synthetic.province_layer(5_000, seed=7)
    return regions, list(grids)


def test_synthetic_grids_tile_the_province(province):
    regions, grids = province
    assert abs(len(grids) - 5_000) < 100
    geoms = np.array([shape(f["geometry"]) for f in grids], dtype=object)
    assert shapely.is_valid(geoms).all()
    assert shapely.STRtree(geoms).query(geoms, predicate="overlaps").size == 0
    union = shapely.union_all(geoms)
    assert union.geom_type == "Polygon" and not union.interiors
    assert union.area == pytest.approx(shapely.area(geoms).sum(), rel=1e-9)
    assert union.area == pytest.approx(shape(regions[0]["geometry"]).area, rel=1e-9)


def test_synthetic_codes_nest(province):
    regions, grids = province
    digits = {"province": 2, "city": 4, "county": 6, "town": 9, "community": 12}
    previous = {"city": 2, "county": 4, "town": 6, "community": 9}
    by_code = {f["properties"]["code"]: f["properties"] for f in regions}
    assert len(by_code) == len(regions)
    assert regions[0]["properties"]["code"] == synthetic.PROVINCE_CODE
    seen = set()
    for f in regions:  # parents first
        assert f["properties"]["parent_code"] is None or f["properties"]["parent_code"] in seen
        seen.add(f["properties"]["code"])
    for p in by_code.values():
        code, n = p["code"], digits[p["level"]]
        assert len(code) == 12 and code.isdigit() and code.startswith("99")
        assert code[n:] == "0" * (12 - n)
        if p["level"] != "province":
            assert int(code[previous[p["level"]] : n]) > 0
        if p["parent_code"] is not None:
            parent = by_code[p["parent_code"]]
            assert code.startswith(parent["code"][: digits[parent["level"]]])
    grid_codes = [f["properties"]["code"] for f in grids]
    assert len(set(grid_codes)) == len(grid_codes)
    for code in grid_codes:
        assert len(code) == 15 and by_code[code[:12]]["level"] == "community"
        assert code[12:] != "000"


def test_synthetic_grids_lie_in_their_community(province):
    regions, grids = province
    community = {
        f["properties"]["code"]: shape(f["geometry"])
        for f in regions
        if f["properties"]["level"] == "community"
    }
    for f in grids:
        grid = shape(f["geometry"])
        assert community[f["properties"]["code"][:12]].contains(grid.representative_point())
        assert grid.difference(community[f["properties"]["code"][:12]]).area < 1e-12


def test_write_geojson_streams_a_feature_collection(province, tmp_path):
    regions, _ = province
    path = tmp_path / "regions.geojson"
    assert write_geojson(path, iter(regions)) == len(regions)
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "type": "FeatureCollection",
        "features": regions,
    }
    assert list(tmp_path.iterdir()) == [path]


def test_synthetic_layer_is_deterministic_per_seed(province):
    regions, grids = synthetic.province_layer(5_000, seed=7)
    assert (regions, list(grids)) == province
    other_regions, _ = synthetic.province_layer(5_000, seed=8)
    assert other_regions != regions
