"""Routing a point to its grid: the one function every part of GridBee calls (reports, alerts,
stations, the API). Callers declare the coordinate system their point is in."""

from collections.abc import Sequence

import numpy as np

from gridbee.core.errors import DomainError

from . import crs as crs_mod
from .choices import Crs
from .errors import GeoError
from .index import Location, current_index

__all__ = ["Location", "grid_codes_at", "locate", "to_wgs84"]

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


def grid_codes_at(
    lats: Sequence[float] | np.ndarray, lons: Sequence[float] | np.ndarray, crs: str = Crs.WGS84
) -> np.ndarray:
    """The grid code of each point (None outside every grid), vectorized: for bulk work such
    as heat maps and re-routing after a layer change, hundreds of thousands of points a second."""
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
    return current_index().grid_codes_at(lons, lats)
