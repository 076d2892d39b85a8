"""A tiny hand-made county for tests: squares whose answers are obvious by eye.

    community 1 (0.00–0.02 E): grids 001 (south) and 002 (north) cover it all
    community 2 (0.02–0.04 E): grid 001 covers only its south-west quarter
Coordinates are offsets from (106.60 E, 26.10 N), inside China so GCJ-02 really shifts.
"""

X0, Y0 = 106.60, 26.10
PROVINCE, CITY, COUNTY = "520000000000", "522700000000", "522731000000"
TOWN = "522731001000"
COMMUNITY_1, COMMUNITY_2 = "522731001001", "522731001002"


def box(x0, y0, x1, y1) -> dict:
    ring = [[X0 + x0, Y0 + y0], [X0 + x1, Y0 + y0], [X0 + x1, Y0 + y1], [X0 + x0, Y0 + y1]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def feature(geometry, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def regions() -> list[dict]:
    return [
        feature(None, code=PROVINCE, name="贵州省", level="province", parent_code=None),
        feature(None, code=CITY, name="黔南州", level="city", parent_code=PROVINCE),
        feature(
            box(0, 0, 0.04, 0.02), code=COUNTY, name="惠水县", level="county", parent_code=CITY
        ),
        feature(
            box(0, 0, 0.04, 0.02), code=TOWN, name="涟江街道", level="town", parent_code=COUNTY
        ),
        feature(
            box(0, 0, 0.02, 0.02),
            code=COMMUNITY_1,
            name="凤山社区",
            level="community",
            parent_code=TOWN,
        ),
        feature(
            box(0.02, 0, 0.04, 0.02),
            code=COMMUNITY_2,
            name="涟江社区",
            level="community",
            parent_code=TOWN,
        ),
    ]


def grids() -> list[dict]:
    return [
        feature(box(0, 0, 0.02, 0.01), code=COMMUNITY_1 + "001", name="凤山第1网格"),
        feature(
            box(0, 0.01, 0.02, 0.02), code=COMMUNITY_1 + "002", name="凤山第2网格", kind="dedicated"
        ),
        feature(box(0.02, 0, 0.03, 0.01), code=COMMUNITY_2 + "001", name="涟江第1网格"),
    ]


def install() -> None:
    from gridbee.geo.actions import import_grids, import_regions

    import_regions(regions())
    import_grids(grids())
