import json

import pytest
from django.core.management import CommandError, call_command

from gridbee.core.errors import DomainError
from gridbee.geo.actions import import_grids, import_regions
from gridbee.geo.models import Grid, LayerRevision, Region
from gridbee.geo.queries import export_grids, export_regions

from . import layers
from .layers import COMMUNITY_1, COMMUNITY_2, box, feature

BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[106.6, 26.1], [106.61, 26.11], [106.61, 26.1], [106.6, 26.11], [106.6, 26.1]]
    ],
}


def snapshot():
    return (
        sorted(Grid.objects.values_list("code", "name", "geom")),
        sorted(Region.objects.values_list("code", "name")),
        list(LayerRevision.objects.values_list("revision", flat=True)),
    )


def rejected(features, **kwargs) -> list[dict]:
    before = snapshot()
    with pytest.raises(DomainError) as caught:
        import_grids(features, **kwargs)
    assert caught.value.code == "geo.import_rejected"
    assert snapshot() == before, "a failed import must change nothing"
    return caught.value.details["problems"]


def test_a_clean_layer_imports_with_area_centroid_and_bounds(tiny_layer):
    grid = Grid.objects.get(code=COMMUNITY_1 + "001")
    assert grid.community_id == COMMUNITY_1
    assert 2.2e6 < grid.area_m2 < 2.3e6  # 0.02° × 0.01° at 26° N
    assert grid.min_lon == pytest.approx(106.60) and grid.max_lat == pytest.approx(26.11)
    assert grid.centroid_lat == pytest.approx(26.105)


def test_every_problem_is_reported_per_feature_and_nothing_is_written(tiny_layer):
    problems = rejected(
        [
            feature(box(0.03, 0.015, 0.04, 0.02), code=COMMUNITY_2 + "002", name="好网格"),
            feature(BOWTIE, code=COMMUNITY_2 + "003", name="自交网格"),
            feature(box(0.05, 0.05, 0.06, 0.06), code="522731009009001", name="无主网格"),
            feature(box(0.03, 0.01, 0.035, 0.015), code=COMMUNITY_2 + "004", name="重号A"),
            feature(box(0.035, 0.01, 0.04, 0.015), code=COMMUNITY_2 + "004", name="重号B"),
            feature(box(0.025, 0.005, 0.035, 0.01), code=COMMUNITY_2 + "005", name="压线网格"),
            feature(box(0.03, 0.01, 0.04, 0.02), code="12345", name="短码"),
            feature(box(0.03, 0.01, 0.04, 0.02), code=COMMUNITY_2 + "006", name=""),
            feature({"type": "Point", "coordinates": [106.6, 26.1]}, code=COMMUNITY_2 + "007",
                    name="点"),
            feature(box(0, 0, 0.01, 0.01), code=COMMUNITY_1 + "001", name="已存在"),
            {"type": "Feature", "geometry": box(0.03, 0, 0.04, 0.01)},
        ]
    )  # fmt: skip
    by_feature = {}
    for p in problems:
        by_feature.setdefault(p["feature"], []).append(p["message"])
    assert 0 not in by_feature
    assert "Self-intersection" in by_feature[1][0]
    assert "unknown community 522731009009" in by_feature[2][0]
    assert any("more than once" in m for m in by_feature[3])
    assert any("more than once" in m for m in by_feature[4])
    assert any("overlaps grid 522731001002001" in m for m in by_feature[5])
    assert "15 digits" in by_feature[6][0]
    assert "name is required" in by_feature[7][0]
    assert "Polygon or MultiPolygon" in by_feature[8][0]
    assert "exists already" in by_feature[9][0]
    assert "no properties" in by_feature[10][0]


def test_a_grid_reaching_outside_its_community_is_refused(tiny_layer):
    (problem,) = rejected(
        [feature(box(0.03, 0.01, 0.05, 0.02), code=COMMUNITY_2 + "002", name="越界")]
    )
    assert "outside its community" in problem["message"]


def test_a_grid_inside_another_is_an_overlap(tiny_layer):
    (problem,) = rejected(
        [feature(box(0.021, 0.001, 0.022, 0.002), code=COMMUNITY_2 + "009", name="内嵌")]
    )
    assert "overlaps grid 522731001002001" in problem["message"]


def test_grids_that_only_touch_are_fine(tiny_layer):
    summary = import_grids([feature(box(0.03, 0, 0.04, 0.01), code=COMMUNITY_2 + "002", name="邻")])
    assert (summary.created, summary.updated) == (1, 0)


def test_replace_updates_in_place_and_may_reshape_over_the_old_outline(tiny_layer):
    revision = LayerRevision.objects.get().revision
    summary = import_grids(
        [feature(box(0.02, 0, 0.04, 0.01), code=COMMUNITY_2 + "001", name="涟江新网格")],
        replace=True,
    )
    assert (summary.created, summary.updated) == (0, 1)
    grid = Grid.objects.get(code=COMMUNITY_2 + "001")
    assert grid.name == "涟江新网格" and grid.max_lon == pytest.approx(106.64)
    assert LayerRevision.objects.get().revision != revision


def test_regions_need_known_parents_above_them(db):
    before = snapshot()
    with pytest.raises(DomainError) as caught:
        import_regions(
            [
                feature(
                    None, code="520000000000", name="贵州省", level="province", parent_code=None
                ),
                feature(
                    None, code="522731000000", name="县", level="county", parent_code="529900000000"
                ),
                feature(
                    None, code="522731001000", name="镇", level="town", parent_code="522731001001"
                ),
                feature(
                    None,
                    code="522731001001",
                    name="村",
                    level="village",
                    parent_code="522731001000",
                ),
            ]
        )
    messages = {p["feature"]: p["message"] for p in caught.value.details["problems"]}
    assert "unknown parent region 529900000000" in messages[1]
    assert "unknown parent region 522731001001" in messages[2] or "level" in messages[2]
    assert "level must be" in messages[3]
    assert snapshot() == before


def test_export_then_import_gives_back_the_same_layer(tiny_layer):
    grids, regions = list(export_grids()), list(export_regions())
    assert [g["properties"]["code"] for g in grids] == sorted(
        g["properties"]["code"] for g in layers.grids()
    )
    Grid.objects.all().delete()
    for level in range(5, 0, -1):
        Region.objects.filter(level=level).delete()
    import_regions(regions)
    import_grids(grids)
    assert list(export_grids()) == grids
    assert list(export_regions()) == regions


def test_export_of_one_region_keeps_to_it(tiny_layer):
    codes = [f["properties"]["code"] for f in export_grids(COMMUNITY_2)]
    assert codes == [COMMUNITY_2 + "001"]
    assert len(list(export_regions("522731001000"))) == 3  # the town and its two communities


def write(tmp_path, features, name="layer.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return str(path)


def test_the_command_imports_and_exports(db, tmp_path, capsys):
    call_command("import_regions", write(tmp_path, layers.regions(), "r.geojson"))
    call_command("import_grids", write(tmp_path, layers.grids()))
    assert Grid.objects.count() == 3
    out = tmp_path / "out.geojson"
    call_command("export_grids", "-o", str(out))
    assert len(json.loads(out.read_text("utf-8"))["features"]) == 3


def test_the_command_fails_with_each_problem_and_writes_nothing(tiny_layer, tmp_path, capsys):
    before = snapshot()
    bad = write(tmp_path, [feature(BOWTIE, code=COMMUNITY_2 + "003", name="自交")])
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_grids", bad)
    assert f"feature 0 ({COMMUNITY_2}003): invalid geometry" in capsys.readouterr().err
    assert snapshot() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not a JSON file"), ('{"type": "Feature"}', "not a GeoJSON FeatureCollection")],
)
def test_the_command_refuses_files_that_are_not_geojson(db, tmp_path, content, message):
    path = tmp_path / "bad.geojson"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_grids", str(path))


def test_a_missing_file_is_a_clear_error(db):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_grids", "/nonexistent/grids.geojson")


def test_a_generated_layer_goes_through_the_import_commands(db, tmp_path, capsys):
    call_command("generate_layer", "--grids", "2000", "--out", str(tmp_path))
    call_command("import_regions", str(tmp_path / "regions.geojson"))
    call_command("import_grids", str(tmp_path / "grids.geojson"))
    grids = len(json.loads((tmp_path / "grids.geojson").read_text())["features"])
    assert 1900 < grids <= 2000 and Grid.objects.count() == grids
    assert f"writing: {grids:,}/{grids:,} (100%)" in capsys.readouterr().err  # shows progress


def test_replacing_a_region_without_a_boundary_keeps_the_one_it_has(tiny_layer):
    before = Region.objects.get(code=COMMUNITY_1).geom
    summary = import_regions(
        [
            feature(
                None,
                code=COMMUNITY_1,
                name="凤山新社区",
                level="community",
                parent_code=layers.TOWN,
            )
        ],
        replace=True,
    )
    assert (summary.created, summary.updated) == (0, 1)
    region = Region.objects.get(code=COMMUNITY_1)
    assert region.name == "凤山新社区" and bytes(region.geom) == bytes(before)
