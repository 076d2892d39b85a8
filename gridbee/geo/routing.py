"""Routing a point to its grid: the one function every part of GridBee calls (reports, alerts,
stations, the API). Callers declare the coordinate system their point is in."""

from collections.abc import Sequence

import numpy as np

from gridbee.core.errors import DomainError

from . import crs as crs_mod
from .choices import Crs
from .errors import GeoError
from .index import Location, current_index

__all__ = ["Location", "locate", "locate_many", "to_wgs84"]

_CRS_VALUES = frozenset(Crs.values)


def to_wgs84(lat: float, lon: float, crs: str = Crs.WGS84) -> tuple[float, float]:
    """Validate a caller's point and return it as WGS-84 (lat, lon)."""
    if crs not in _CRS_VALUES:
        raise DomainError(GeoError.UNKNOWN_CRS)
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):  # also refuses NaN
        raise DomainError(GeoError.COORDINATES_OUT_OF_RANGE)
    if crs != Crs.WGS84:
        lon, lat = crs_mod.to_wgs84(lon, lat, crs)
    return lat, lon


def locate(lat: float, lon: float, crs: str = Crs.WGS84) -> Location:
    """The grid containing the point, else the smallest region containing it (fallback)."""
    lat, lon = to_wgs84(lat, lon, crs)
    return current_index().locate(lon, lat)


def locate_many(
    lats: Sequence[float] | np.ndarray, lons: Sequence[float] | np.ndarray, crs: str = Crs.WGS84
) -> list[Location]:
    """locate() for many points at once, vectorized: hundreds of thousands per second."""
    if crs not in _CRS_VALUES:
        raise DomainError(GeoError.UNKNOWN_CRS)
    lats = np.asarray(lats, dtype=float)
    lons = np.asarray(lons, dtype=float)
    if lats.shape != lons.shape or lats.ndim != 1:
        raise ValueError("lats and lons must be flat sequences of the same length")
    if not (np.all(np.abs(lats) <= 90) and np.all(np.abs(lons) <= 180)):
        raise DomainError(GeoError.COORDINATES_OUT_OF_RANGE)
    if crs != Crs.WGS84:
        lons, lats = crs_mod.to_wgs84_arrays(lons, lats, crs)
    index = current_index()
    grid_location = index.grid_location
    out = []
    for i, pos in enumerate(index.grid_positions(lons, lats).tolist()):
        out.append(grid_location(pos) if pos >= 0 else index.locate(lons[i], lats[i]))
    return out
