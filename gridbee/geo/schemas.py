from typing import Any, Literal

from ninja import Schema


class RegionOut(Schema):
    code: str
    name: str
    level: Literal["province", "city", "county", "town", "community"]


class GridOut(Schema):
    code: str
    name: str
    kind: str


class LocationOut(Schema):
    """grid when the point lies in one; otherwise match "region" names the smallest region
    containing it (属地兜底), or "none" when no region of the layer contains it."""

    match: Literal["grid", "region", "none"]
    fallback: bool
    lat: float
    lon: float
    grid: GridOut | None
    region: RegionOut | None
    regions: list[RegionOut]


class FeatureCollectionOut(Schema):
    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]]
