"""A synthetic province-sized layer for benchmarks: about as many grids as Yunnan (398,000) over
about its extent, under the clearly fake province 990000000000 合成省.

The grids are the cells of a jittered quad mesh: one lattice of vertices, each interior vertex
moved by at most a quarter cell, and every cell a quad of four lattice vertices. Neighbours
share their vertices, so the grids tile the province with no gap and no overlap, and every quad
stays a valid polygon. Communities, towns, counties and cities are rectangular blocks of cells
(their boundaries follow the same jittered vertices), sized like Yunnan's: about 30 grids per
community, 9 communities per town, 12 towns per county, 9 counties per city.

Codes follow the statistical structure PP CC DD TTT VVV + grid sequence SSS. Features are plain
GeoJSON-like dicts (coordinates rounded to 7 decimals); grids come from a generator so a
400,000-grid layer streams without being held in memory. Pure functions, no database,
deterministic for a given seed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

PROVINCE_CODE = "990000000000"
PROVINCE_NAME = "合成省"
BOUNDS = (97.5, 21.0, 106.0, 29.0)  # lon/lat extent, about Yunnan's
JITTER = 0.25  # of a cell; quads stay simple polygons below 0.3
MAX_GRIDS = 2_000_000  # keeps every level within its code's digits

# Block sizes in (columns, rows) of the level below: cells per community, communities per
# town, towns per county, counties per city.
_BLOCKS = {"community": (5, 6), "town": (3, 3), "county": (3, 4), "city": (3, 3)}
_LEVELS = ("city", "county", "town", "community")
_DIGITS = {"city": 2, "county": 2, "town": 3, "community": 3}
_SUFFIX = {"city": "市", "county": "县", "town": "镇", "community": "村"}

Rect = tuple[int, int, int, int]  # column from, column to, row from, row to (cell indices)


def province_layer(
    n_grids: int = 400_000, seed: int = 1
) -> tuple[list[dict[str, Any]], Iterator[dict[str, Any]]]:
    """(region features, grid features) of a synthetic province of about n_grids grids.

    Regions are listed parents first, each with its polygon; grids are yielded community by
    community, in code order."""
    if not 1 <= n_grids <= MAX_GRIDS:
        raise ValueError(f"n_grids must be between 1 and {MAX_GRIDS:,}")
    nx, ny = mesh_shape(n_grids)
    xs, ys = _mesh(nx, ny, seed)
    regions: list[dict[str, Any]] = [
        _region(PROVINCE_CODE, PROVINCE_NAME, "province", None, (0, nx, 0, ny), xs, ys)
    ]
    communities: list[tuple[str, str, Rect]] = []
    _subdivide(PROVINCE_CODE, (0, nx, 0, ny), 0, regions, communities, xs, ys)
    return regions, _grids(communities, xs, ys)


def mesh_shape(n_grids: int) -> tuple[int, int]:
    """Columns and rows of a mesh of about n_grids cells, the cells about square on the ground."""
    west, south, east, north = BOUNDS
    width = (east - west) * math.cos(math.radians((south + north) / 2))
    height = north - south
    nx = max(1, round(math.sqrt(n_grids * width / height)))
    return nx, max(1, round(n_grids / nx))


def _mesh(nx: int, ny: int, seed: int) -> tuple[list[list[float]], list[list[float]]]:
    """Vertex longitudes and latitudes, [row][column], rounded to 7 decimals."""
    west, south, east, north = BOUNDS
    dx, dy = (east - west) / nx, (north - south) / ny
    rng = np.random.default_rng(seed)
    lon = np.broadcast_to(west + dx * np.arange(nx + 1), (ny + 1, nx + 1)).copy()
    lat = np.broadcast_to((south + dy * np.arange(ny + 1))[:, None], (ny + 1, nx + 1)).copy()
    inner = (slice(1, ny), slice(1, nx))  # the outline stays a rectangle
    shape = (max(ny - 1, 0), max(nx - 1, 0))
    lon[inner] += rng.uniform(-JITTER, JITTER, shape) * dx
    lat[inner] += rng.uniform(-JITTER, JITTER, shape) * dy
    return np.round(lon, 7).tolist(), np.round(lat, 7).tolist()


def _blocks(rect: Rect, size: tuple[int, int]) -> list[Rect]:
    """rect cut into blocks of size (columns, rows), row by row from the south-west."""
    c0, c1, r0, r1 = rect
    w, h = size
    return [
        (c, min(c + w, c1), r, min(r + h, r1)) for r in range(r0, r1, h) for c in range(c0, c1, w)
    ]


def _cells_per_block(level: str) -> tuple[int, int]:
    """Size of one block of level, in cells."""
    w, h = 1, 1
    for name in reversed(_LEVELS[_LEVELS.index(level) :]):
        w, h = w * _BLOCKS[name][0], h * _BLOCKS[name][1]
    return w, h


def _subdivide(parent, rect, depth, regions, communities, xs, ys) -> None:
    """Append the regions under parent (code) covering rect, depth-first in code order."""
    level = _LEVELS[depth]
    blocks = _blocks(rect, _cells_per_block(level))
    if len(blocks) >= 10 ** _DIGITS[level]:
        raise ValueError(f"too many {level} regions under {parent}")
    start = 2 + sum(_DIGITS[name] for name in _LEVELS[:depth])  # where this level's digits go
    for number, block in enumerate(blocks, start=1):
        digits = f"{number:0{_DIGITS[level]}d}"
        code = parent[:start] + digits + parent[start + len(digits) :]
        name = f"合成{code[2 : start + len(digits)]}{_SUFFIX[level]}"
        regions.append(_region(code, name, level, parent, block, xs, ys))
        if level == "community":
            communities.append((code, name, block))
        else:
            _subdivide(code, block, depth + 1, regions, communities, xs, ys)


def _region(code, name, level, parent, rect: Rect, xs, ys) -> dict[str, Any]:
    c0, c1, r0, r1 = rect
    corners = (
        [(c, r0) for c in range(c0, c1)]
        + [(c1, r) for r in range(r0, r1)]
        + [(c, r1) for c in range(c1, c0, -1)]
        + [(c0, r) for r in range(r1, r0 - 1, -1)]
    )  # counter-clockwise, closed
    ring = [[xs[r][c], ys[r][c]] for c, r in corners]
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "level": level, "parent_code": parent},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def _grids(communities: list[tuple[str, str, Rect]], xs, ys) -> Iterator[dict[str, Any]]:
    for code, name, (c0, c1, r0, r1) in communities:
        seq = 0
        for r in range(r0, r1):
            xb, yb, xt, yt = xs[r], ys[r], xs[r + 1], ys[r + 1]
            for c in range(c0, c1):
                seq += 1
                ring = [
                    [xb[c], yb[c]],
                    [xb[c + 1], yb[c + 1]],
                    [xt[c + 1], yt[c + 1]],
                    [xt[c], yt[c]],
                    [xb[c], yb[c]],
                ]
                yield {
                    "type": "Feature",
                    "properties": {
                        "code": f"{code}{seq:03d}",
                        "name": f"{name}第{seq}网格",
                        "kind": "comprehensive",
                    },
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
