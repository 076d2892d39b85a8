"""The in-memory routing index: every grid and region boundary in shapely STRtrees, loaded from
the database and swapped whole when the layer's revision token changes (in this process or any
other). Readers never wait for a rebuild: they keep using the previous snapshot until it is done."""

import math
import threading
import time
from array import array
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from django.conf import settings
from django.db import connection

from .choices import GridKind, Level
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
    id: int  # the Grid row's, so a case can point at it without looking it up


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


_KINDS = tuple(GridKind.values)
_KIND_INDEX = {kind: i for i, kind in enumerate(_KINDS)}
_CODE = 15  # bytes per grid code


class LayerIndex:
    """One immutable snapshot of the layer. Grid attributes are packed into bytes (codes at a
    fixed stride, names in one UTF-8 blob with offsets) rather than 400,000 Python strings:
    that halves the memory of a province-sized layer, and a lookup unpacks only its own grid."""

    def __init__(self, revision: str, grids: "_GridColumns", regions: list[tuple]):
        self.revision = revision
        self._regions = {code: (name, level, parent) for code, name, level, parent, _ in regions}
        self._chain = lru_cache(maxsize=None)(self._chain_uncached)

        self._codes = grids.codes
        self._names, self._name_ends = grids.names, grids.name_ends
        self._kinds = grids.kinds
        self._ids = grids.ids
        self.grid_geoms = grids.geoms
        self.grid_tree = shapely.STRtree(self.grid_geoms)
        # Prepared polygons answer point queries about a third faster for ~150 bytes each.
        # GEOS builds each one's point locator on first use; building them all now keeps the
        # first lookups fast and puts their memory where the index's is counted.
        shapely.prepare(self.grid_geoms)
        inner = shapely.point_on_surface(self.grid_geoms)
        shapely.intersects_xy(self.grid_geoms, shapely.get_x(inner), shapely.get_y(inner))
        self._query = _fast_point_query(self.grid_tree)

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
        regions = [
            (*row[:4], bytes(row[4]) if row[4] is not None else None)
            for row in _rows(
                f"SELECT code, name, level, parent_id, geom FROM {Region._meta.db_table}"
            )
        ]
        grids = _GridColumns.load(
            f"SELECT code, name, kind, geom, id FROM {Grid._meta.db_table} ORDER BY code"
        )
        return cls(revision, grids, regions)

    def __len__(self) -> int:
        return len(self.grid_geoms)

    def grid_code(self, pos: int) -> str:
        return self._codes[_CODE * pos : _CODE * pos + _CODE].decode()

    def _chain_uncached(self, code: str) -> tuple[RegionRef, ...]:
        chain = []
        while code and code in self._regions:
            name, level, parent = self._regions[code]
            chain.append(RegionRef(code, name, level))
            code = parent
        return tuple(reversed(chain))

    def grid_location(self, pos: int) -> Location:
        code = self._codes[_CODE * pos : _CODE * pos + _CODE].decode()
        start = self._name_ends[pos - 1] if pos else 0
        name = self._names[start : self._name_ends[pos]].decode()
        grid = GridRef(code, name, _KINDS[self._kinds[pos]], self._ids[pos])
        return Location("grid", grid, self._chain(code[:12]))

    def locate(self, lon: float, lat: float) -> Location:
        point = _make_point(np.array((lon, lat)), _HANDLE_NAN)
        hits = self._query(point)
        if len(hits) == 1:
            return self.grid_location(int(hits[0]))
        if len(hits):
            # A point on a shared edge touches two grids: the lower code wins, as in batches.
            return self.grid_location(min(hits.tolist()))
        return self._fallback(point)

    def _fallback(self, point) -> Location:
        hits = self.region_tree.query(point, predicate="intersects")
        if not len(hits):
            return NOWHERE
        # The smallest containing region: deepest level first, then least area.
        best = min(hits, key=lambda i: (-self.region_levels[i], self.region_areas[i]))
        return Location("region", None, self._chain(self.region_codes[best]))

    def grid_positions(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Position of each point's grid, or -1 outside every grid."""
        # Points sorted by ~1 km cell walk the same branches of the tree one after another,
        # and testing candidates with intersects_xy spares a predicate per point object:
        # together about three times the throughput of one predicate query.
        cell = np.floor(lons * 100).astype(np.int64) * 40_000 + np.floor(lats * 100).astype(
            np.int64
        )
        order = np.argsort(cell, kind="stable")
        x, y = lons[order], lats[order]
        src, dst = self.grid_tree.query(shapely.points(x, y))
        inside = shapely.intersects_xy(self.grid_geoms[dst], x[src], y[src])
        src, dst = src[inside], dst[inside]
        # A point on an edge shared by two grids goes to the lower code, as in locate().
        best = np.full(len(x), len(self), dtype=np.int64)
        np.minimum.at(best, src, dst)
        best[best == len(self)] = -1
        out = np.empty_like(best)
        out[order] = best
        return out

    def grid_codes_at(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Each point's grid code (str), or None outside every grid."""
        positions = self.grid_positions(lons, lats)
        codes = np.frombuffer(self._codes, dtype=f"S{_CODE}")[positions].astype(f"U{_CODE}")
        out = codes.astype(object)
        out[positions < 0] = None
        return out


@dataclass
class _GridColumns:
    codes: bytes  # 15 ASCII digits per grid, in code order
    names: bytes  # UTF-8 names back to back
    name_ends: array  # where each name ends in names
    kinds: bytes  # index into _KINDS per grid
    geoms: np.ndarray  # shapely polygons
    ids: array  # primary keys

    @classmethod
    def load(cls, sql: str) -> "_GridColumns":
        """Streams the rows in chunks, so the raw WKB of a whole province is never held."""
        codes, names, kinds, geoms = [], [], bytearray(), []
        name_ends, end, ids = array("q"), 0, array("q")
        for chunk in _chunks(sql):
            codes.append("".join(row[0] for row in chunk).encode())
            encoded = [row[1].encode() for row in chunk]
            for name in encoded:
                end += len(name)
                name_ends.append(end)
            names.append(b"".join(encoded))
            kinds.extend(_KIND_INDEX[row[2]] for row in chunk)
            ids.extend(row[4] for row in chunk)
            wkb = np.array([bytes(row[3]) for row in chunk], dtype=object)
            geoms.append(shapely.from_wkb(wkb))
        return cls(
            codes=b"".join(codes),
            names=b"".join(names),
            name_ends=name_ends,
            kinds=bytes(kinds),
            geoms=np.concatenate(geoms) if geoms else np.empty(0, dtype=object),
            ids=ids,
        )


def _chunks(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while chunk := cursor.fetchmany(_FETCH):
            yield chunk


def _rows(sql: str) -> list[tuple]:
    return [row for chunk in _chunks(sql) for row in chunk]


def _fast_point_query(tree: shapely.STRtree):
    """tree.query(point, predicate="intersects") without the ~3 µs of argument handling in
    shapely's wrapper: the compiled tree is called directly while shapely keeps it where 2.0
    to 2.2 have it; otherwise the public method is used."""
    compiled = getattr(tree, "_tree", None)
    predicate = getattr(getattr(shapely.strtree, "BinaryPredicate", None), "intersects", None)
    if compiled is None or predicate is None:
        return lambda point: tree.query(point, predicate="intersects")
    code = predicate.value

    def query(point):
        return compiled.query(np.array((point,)), code)[1]

    return query


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
