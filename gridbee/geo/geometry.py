"""Geometry at the edges: GeoJSON in and out, validation, and areas in square metres.
Everything is WGS-84 longitude/latitude; shapely does the work, vectorized where it counts."""

import math
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry import mapping, shape

# Metres per degree of latitude on the mean-radius sphere.
M_PER_DEG = math.pi * 6_371_008.8 / 180
POLYGONAL = {"Polygon", "MultiPolygon"}


class GeometryProblem(ValueError):
    pass


def from_geojson(obj) -> shapely.Geometry:
    """A GeoJSON geometry dict to a valid, non-empty polygonal geometry, or GeometryProblem."""
    if not isinstance(obj, dict) or obj.get("type") not in POLYGONAL:
        raise GeometryProblem("geometry must be a GeoJSON Polygon or MultiPolygon")
    try:
        geom = shape(obj)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as exc:
        raise GeometryProblem(f"geometry is malformed: {exc}") from exc
    problem = problem_of(geom)
    if problem:
        raise GeometryProblem(problem)
    return geom


def problem_of(geom: shapely.Geometry) -> str | None:
    if geom.is_empty:
        return "geometry is empty"
    x0, y0, x1, y1 = geom.bounds
    if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
        return "coordinates out of range (expected longitude, latitude in WGS-84)"
    if not geom.is_valid:
        return f"invalid geometry: {shapely.is_valid_reason(geom)}"
    if geom.area <= 0:
        return "geometry has no area"
    return None


def to_geojson(geom: shapely.Geometry) -> dict:
    return mapping(geom)


def areas_m2(geoms: Sequence[shapely.Geometry] | np.ndarray) -> np.ndarray:
    """Areas in m², scaling each planar degree area by its centroid's latitude. Exact enough for
    grids and counties (well under 0.1% for shapes spanning half a degree) and vectorized."""
    geoms = np.asarray(geoms, dtype=object)
    lat = shapely.get_y(shapely.centroid(geoms))
    return shapely.area(geoms) * M_PER_DEG * M_PER_DEG * np.cos(np.radians(lat))


def area_m2(geom: shapely.Geometry) -> float:
    return float(areas_m2([geom])[0])


def deg2_to_m2(area_deg2: np.ndarray | float, lat: np.ndarray | float):
    return np.asarray(area_deg2) * M_PER_DEG * M_PER_DEG * np.cos(np.radians(lat))
