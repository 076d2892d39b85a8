import pytest

from .layers import COMMUNITY_1, COMMUNITY_2, X0, Y0


def get(client, url, **params):
    return client.get(url, params)


def test_locate_answers_the_grid_and_its_regions(client, tiny_layer):
    body = get(client, "/api/geo/locate", lat=Y0 + 0.005, lon=X0 + 0.005).json()
    assert body["match"] == "grid" and body["fallback"] is False
    assert body["grid"] == {
        "code": COMMUNITY_1 + "001",
        "name": "凤山第1网格",
        "kind": "comprehensive",
    }
    assert [r["level"] for r in body["regions"]] == [
        "province", "city", "county", "town", "community",
    ]  # fmt: skip
    assert body["region"]["code"] == COMMUNITY_1


def test_locate_says_when_it_fell_back_to_a_region(client, tiny_layer):
    body = get(client, "/api/geo/locate", lat=Y0 + 0.015, lon=X0 + 0.035, crs="wgs84").json()
    assert body["match"] == "region" and body["fallback"] is True
    assert body["grid"] is None and body["region"]["code"] == COMMUNITY_2


def test_locate_converts_a_declared_gcj02_point_and_echoes_wgs84(client, tiny_layer):
    from gridbee.geo.crs import from_wgs84

    lon, lat = from_wgs84(X0 + 0.005, Y0 + 0.005, "gcj02")
    body = get(client, "/api/geo/locate", lat=lat, lon=lon, crs="gcj02").json()
    assert body["grid"]["code"] == COMMUNITY_1 + "001"
    assert body["lat"] == pytest.approx(Y0 + 0.005, abs=1e-8)


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"lat": "abc", "lon": "106.6"}, 400, "invalid_input"),
        ({"lon": "106.6"}, 400, "invalid_input"),
        ({"lat": "26.1", "lon": "106.6", "crs": "epsg3857"}, 400, "invalid_input"),
        ({"lat": "95", "lon": "106.6"}, 400, "geo.coordinates_out_of_range"),
        ({"lat": "26.1", "lon": "-200"}, 400, "geo.coordinates_out_of_range"),
        ({"lat": "nan", "lon": "106.6"}, 400, "invalid_input"),  # no number: core/numbers.py
        ({"lat": "1e400", "lon": "106.6"}, 400, None),
    ],
)
def test_locate_refuses_bad_input_with_a_stable_code(client, tiny_layer, params, status, code):
    response = client.get("/api/geo/locate", params)
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code or (code is None and body["code"])
    assert body["message"]


def test_error_messages_are_in_chinese_by_default_and_english_on_request(client, tiny_layer):
    url = "/api/geo/locate?lat=95&lon=106"
    assert "纬度" in client.get(url).json()["message"]
    english = client.get(url, headers={"accept-language": "en"}).json()["message"]
    assert english.startswith("Latitude")


def test_grids_in_a_bbox_come_as_geojson(client, tiny_layer):
    bbox = f"{X0 - 0.001},{Y0 - 0.001},{X0 + 0.015},{Y0 + 0.005}"
    body = get(client, "/api/geo/grids", bbox=bbox).json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in body["features"]] == [COMMUNITY_1 + "001"]
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "Polygon"
    assert feature["properties"]["community_code"] == COMMUNITY_1


@pytest.mark.parametrize(
    ("bbox", "code"),
    [
        ("106,26,108,27", "geo.bbox_too_large"),
        ("1,2,3", "geo.bbox_invalid"),
        ("a,b,c,d", "geo.bbox_invalid"),
        ("107,26,106,27", "geo.bbox_invalid"),
        ("106,26,107,95", "geo.bbox_invalid"),
    ],
)
def test_bad_or_too_large_bboxes_are_refused(client, tiny_layer, bbox, code):
    response = get(client, "/api/geo/grids", bbox=bbox)
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_too_many_grids_in_a_bbox_is_too_large(client, tiny_layer, monkeypatch):
    from gridbee.geo import queries

    monkeypatch.setattr(queries, "MAX_BBOX_GRIDS", 2)
    bbox = f"{X0},{Y0},{X0 + 0.04},{Y0 + 0.02}"
    assert get(client, "/api/geo/grids", bbox=bbox).json()["code"] == "geo.bbox_too_large"


def test_openapi_schema_and_docs_are_served_locally(client, db):
    schema = client.get("/api/openapi.json").json()
    assert "/api/geo/locate" in schema["paths"] and "/api/health" in schema["paths"]
    docs = client.get("/api/docs").content.decode()
    assert "swagger" in docs.lower()
    assert "cdn" not in docs.lower() and "https://" not in docs
