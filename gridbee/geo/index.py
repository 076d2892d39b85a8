"""The in-memory routing index: every grid and region boundary in shapely STRtrees, loaded from
the database and swapped whole when the layer's revision token changes (in this process or any
other). Readers never wait for a rebuild: they keep using the previous snapshot until it is done."""

import math
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from django.conf import settings
from django.db import connection

from .choices import Level
from .models import Grid, LayerRevision, Region

LAYER = "geo"
_FETCH = 20_000
# shapely.Point() costs ~4 µs in argument handling; the ufunc underneath costs ~1.5 µs.
_make_point = shapely.lib.points
_HANDLE_NAN = np.intc(0)


@dataclass(frozen=True, slots=True)
class RegionRef:
    code: str
    name: str
    level: int

    @property
    def level_name(self) -> str:
        return Level(self.level).name.lower()


@dataclass(frozen=True, slots=True)
class GridRef:
    code: str
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class Location:
    """Where a point belongs: its grid, or else (属地兜底) the smallest region containing it."""

    match: str  # "grid", "region" (fallback) or "none"
    grid: GridRef | None
    regions: tuple[RegionRef, ...]  # from the province down to the smallest

    @property
    def fallback(self) -> bool:
        return self.match == "region"

    @property
    def region(self) -> RegionRef | None:
        return self.regions[-1] if self.regions else None


NOWHERE = Location("none", None, ())


def layer_revision() -> str:
    row = LayerRevision.objects.filter(name=LAYER).values_list("revision", flat=True).first()
    return row or ""


class LayerIndex:
    def __init__(self, revision: str, grids: list[tuple], regions: list[tuple]):
        self.revision = revision
        self._regions = {code: (name, level, parent) for code, name, level, parent, _ in regions}
        self._chain = lru_cache(maxsize=None)(self._chain_uncached)

        self.grid_codes = [g[0] for g in grids]
        self.grid_geoms = shapely.from_wkb(np.array([g[4] for g in grids], dtype=object))
        self._grid_rows = [g[:4] for g in grids]  # without the WKB, now in grid_geoms
        self.grid_tree = shapely.STRtree(self.grid_geoms)
        shapely.prepare(self.grid_geoms)
        self._locations: list[Location | None] = [None] * len(grids)

        bounded = [r for r in regions if r[4] is not None]
        self.region_codes = [r[0] for r in bounded]
        self.region_levels = np.array([r[2] for r in bounded], dtype=np.int16)
        self.region_geoms = shapely.from_wkb(np.array([r[4] for r in bounded], dtype=object))
        self.region_areas = shapely.area(self.region_geoms)
        self.region_tree = shapely.STRtree(self.region_geoms)
        shapely.prepare(self.region_geoms)

    @classmethod
    def from_database(cls) -> "LayerIndex":
        # The token is read before the data: a change committed in between makes the next check
        # see a newer token and rebuild, never the other way round.
        revision = layer_revision()
        regions = _fetch(f"SELECT code, name, level, parent_id, geom FROM {Region._meta.db_table}")
        grids = _fetch(
            f"SELECT code, name, kind, community_id, geom FROM {Grid._meta.db_table} ORDER BY code"
        )
        return cls(revision, grids, regions)

    def __len__(self) -> int:
        return len(self.grid_codes)

    def _chain_uncached(self, code: str) -> tuple[RegionRef, ...]:
        chain = []
        while code and code in self._regions:
            name, level, parent = self._regions[code]
            chain.append(RegionRef(code, name, level))
            code = parent
        return tuple(reversed(chain))

    def grid_location(self, pos: int) -> Location:
        loc = self._locations[pos]
        if loc is None:
            code, name, kind, community = self._grid_rows[pos]
            loc = Location("grid", GridRef(code, name, kind), self._chain(community))
            self._locations[pos] = loc
        return loc

    def locate(self, lon: float, lat: float) -> Location:
        point = _make_point(np.array((lon, lat)), _HANDLE_NAN)
        hits = self.grid_tree.query(point, predicate="intersects")
        if len(hits):
            # A point on a shared edge touches two grids: the lower code wins, as in batches.
            return self.grid_location(int(hits.min()))
        return self._fallback(point)

    def _fallback(self, point) -> Location:
        hits = self.region_tree.query(point, predicate="intersects")
        if not len(hits):
            return NOWHERE
        # The smallest containing region: deepest level first, then least area.
        best = min(hits, key=lambda i: (-self.region_levels[i], self.region_areas[i]))
        return Location("region", None, self._chain(self.region_codes[best]))

    def grid_positions(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Position of each point's grid in grid_codes, or -1 outside every grid."""
        points = shapely.points(lons, lats)
        src, dst = self.grid_tree.query(points, predicate="intersects")
        out = np.full(len(points), -1, dtype=np.int64)
        # Reversed assignment lets the lowest grid position win for points on shared edges.
        order = np.lexsort((-dst, src))
        out[src[order]] = dst[order]
        return out


def _fetch(sql: str) -> list[tuple]:
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while chunk := cursor.fetchmany(_FETCH):
            rows.extend((*row[:4], bytes(row[4]) if row[4] is not None else None) for row in chunk)
    return rows


class _Current:
    index: LayerIndex | None = None
    checked_at: float = -math.inf
    lock = threading.Lock()


def current_index() -> LayerIndex:
    """The index for this process, checked against the database at most every
    GRIDBEE_GRID_INDEX_CHECK_SECONDS, so a change made elsewhere shows up within that time."""
    index = _Current.index
    if index is not None and time.monotonic() - _Current.checked_at < _check_seconds():
        return index
    return _refresh()


def mark_stale() -> None:
    """Called after this process committed a change: check the database on the next lookup."""
    _Current.checked_at = -math.inf


def _check_seconds() -> float:
    return settings.GRID_INDEX_CHECK_SECONDS


def _refresh() -> LayerIndex:
    with _Current.lock:
        now = time.monotonic()
        index = _Current.index
        if index is not None and now - _Current.checked_at < _check_seconds():
            return index  # another thread refreshed while we waited
        if index is None or index.revision != layer_revision():
            index = LayerIndex.from_database()
            _Current.index = index
        _Current.checked_at = now
        return index
