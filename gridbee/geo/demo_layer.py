"""The demo county 惠水县 (Huishui, Qiannan, Guizhou): real division codes and names, generated
boundaries.

No boundary polygons are published with the statistical codes, so the county outline, its 3
streets and 8 towns, its 216 communities and their grids are drawn here, plausibly: an irregular
county of about 2,470 km² around the real county seat, towns as Voronoi cells of seeds in their
real direction from the seat, small urban communities around the seats, larger villages around,
whose grids cover only the settled core (the rest falls back to the village, 属地兜底).

Every level is drawn in float km around the seat; then all edges of all levels are bent by one
smooth warp (so borders wind like real ones), noded together on a 1e-6° grid and polygonized
once, and each region and grid is the union of the faces it owns. Neighbours therefore write
identical edges, children tile their parent exactly, and coordinates are exact at 6 decimals.

Pure functions, no database. Deterministic: one seeded ``random.Random`` drives every choice, and
nothing depends on dict/set ordering or hash randomization.
"""

from __future__ import annotations

import csv
import functools
import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Polygon

DIVISIONS_CSV = Path(__file__).parent / "data" / "huishui-divisions.csv"

SEAT_LON, SEAT_LAT = 106.6564, 26.1328  # 惠水县城, WGS-84
COUNTY_AREA_KM2 = 2470.0
GRID_DEG = 1e-6  # output precision: 6 decimals, about 0.1 m
_KM_GRID = 1e-6  # snapping of the float drawing (1 mm)
_SEED = 522731
_SEGMENT_KM = 0.2  # densify edges before bending them

_PHI = math.radians(SEAT_LAT)
KM_PER_DEG_LAT = (111132.92 - 559.82 * math.cos(2 * _PHI) + 1.175 * math.cos(4 * _PHI)) / 1000
KM_PER_DEG_LON = (111412.84 * math.cos(_PHI) - 93.5 * math.cos(3 * _PHI)) / 1000

# Town seats, km east and north of the county seat (real directions, approximate distances).
# The three streets (街道) share the county seat; their urban cores sit around it.
_TOWN_SEATS = {
    "522731001000": (-0.5, 0.5),  # 涟江街道, the old town
    "522731002000": (3.5, -3.0),  # 濛江街道
    "522731003000": (-2.0, 4.5),  # 明田街道
    "522731102000": (-6.0, -14.0),  # 好花红镇
    "522731103000": (11.0, -27.0),  # 摆金镇
    "522731104000": (-8.0, -32.0),  # 雅水镇
    "522731105000": (-13.0, -18.0),  # 断杉镇
    "522731106000": (-13.0, 2.0),  # 芦山镇
    "522731107000": (2.0, 15.0),  # 王佑镇
    "522731108000": (12.0, -6.0),  # 羡塘镇
    "522731109000": (2.0, -40.0),  # 岗度镇
}
_URBAN_CENTRES = {
    "522731001000": (0.0, 0.0),
    "522731002000": (2.6, -2.2),
    "522731003000": (-1.4, 3.2),
}
_STREETS_KM2 = 260.0  # the three streets together
_URBAN_KM2 = {"street": 1.6, "town": 2.5}  # per urban community (社区居民委员会)
_DEDICATED_SITES = {
    "urban": ("农贸市场", "学校", "医院", "客运站", "商业街"),
    "rural": ("学校", "集市", "景区", "工业园区"),
}


def huishui_regions() -> list[dict[str, Any]]:
    """One GeoJSON Feature per division of 惠水县 (and its province and prefecture), parents
    before children. Province and city have no geometry."""
    return [
        _feature({"code": code, "name": name, "level": level, "parent_code": parent}, geometry)
        for code, name, level, parent, geometry in _layer()[0]
    ]


def huishui_grids() -> list[dict[str, Any]]:
    """Two to four grids per community: urban grids tile their community, rural ones cover only
    the settled core of their village (the rest falls back to the village, 属地兜底)."""
    return [
        _feature({"code": code, "name": name, "kind": kind}, geometry)
        for code, name, kind, geometry in _layer()[1]
    ]


def read_divisions() -> list[tuple[str, str, str, str | None]]:
    """Rows of the bundled CSV: (code12, name, level, parent code12 or None)."""
    with DIVISIONS_CSV.open(encoding="utf-8", newline="") as f:
        return [
            (row["code12"], row["name"], row["level"], row["parent_code12"] or None)
            for row in csv.DictReader(f)
        ]


def short_name(name: str) -> str:
    """凤山社区居民委员会 -> 凤山社区, 星光村村民委员会 -> 星光村."""
    if name.endswith("村民委员会"):
        stem = name.removesuffix("村民委员会")
        return stem if stem.endswith("村") else stem + "村"
    return name.removesuffix("居民委员会")


def is_urban(name: str) -> bool:
    """An urban community (社区居民委员会), not a village (村民委员会)."""
    return name.endswith("居民委员会") and not name.endswith("村民委员会")


def _to_lonlat(geometry: Any) -> Any:
    """km east/north of the county seat -> WGS-84 lon/lat (local equirectangular)."""
    scale = np.array([1 / KM_PER_DEG_LON, 1 / KM_PER_DEG_LAT])
    return shapely.transform(geometry, lambda xy: xy * scale + (SEAT_LON, SEAT_LAT))


def _to_km(geometry: Any) -> Any:
    scale = np.array([KM_PER_DEG_LON, KM_PER_DEG_LAT])
    return shapely.transform(geometry, lambda xy: (xy - (SEAT_LON, SEAT_LAT)) * scale)


# --- the layer ------------------------------------------------------------------------------


@functools.cache
def _layer() -> tuple[tuple, tuple]:
    """(regions, grids) as tuples of (code, name, level|kind, [parent,] lon/lat Polygon)."""
    rng = random.Random(_SEED)
    rows = read_divisions()
    town_rows = [r for r in rows if r[2] == "town"]
    comm_rows = [r for r in rows if r[2] == "community"]

    county = _county(rng)
    towns = _towns(rng, county, [r[0] for r in town_rows])
    comms: dict[str, Polygon] = {}
    centres: dict[str, tuple[float, float]] = {}
    for town in town_rows:
        members = [r for r in comm_rows if r[3] == town[0]]
        _communities(rng, town[0], towns[town[0]], members, comms, centres)
    grids = []  # (code, name, kind, community index, km polygon)
    for i, (code, name, _level, _parent) in enumerate(comm_rows):
        for gcode, gname, kind, poly in _grids(rng, code, name, comms[code], centres[code]):
            grids.append((gcode, gname, kind, i, poly))

    # Bend the straight Voronoi edges into plausible borders (one smooth warp for all levels),
    # node every edge of every level together on the output grid, polygonize once, and give
    # each face to the community and grid it lies in.
    warp, unwarp = _warp(rng)
    drawn = np.array([county, *towns.values(), *comms.values(), *(g[4] for g in grids)])
    edges = shapely.segmentize(shapely.union_all(shapely.boundary(drawn)), _SEGMENT_KM)
    noded = shapely.union_all(shapely.get_parts(_to_lonlat(warp(edges))), grid_size=GRID_DEG)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    # Owners are found back on the straight drawing, in km.
    to_km = _on_drawing(faces, lambda g: shapely.make_valid(unwarp(_to_km(g))))
    face_comm = _owners(to_km, drawn[1 + len(towns) : 1 + len(towns) + len(comm_rows)])
    if (face_comm < 0).any():
        raise RuntimeError("a face of the demo layer lies in no community")
    grid_comm = np.array([g[3] for g in grids])
    face_grid = _owners(to_km, drawn[-len(grids) :], min_share=0.5, same=(grid_comm, face_comm))

    comm_out = _dissolve(faces, face_comm, len(comm_rows))
    grid_out = _dissolve(faces, face_grid, len(grids))
    by_code = {r[0]: g for r, g in zip(comm_rows, comm_out, strict=True)}
    for town in town_rows:
        by_code[town[0]] = _union([by_code[r[0]] for r in comm_rows if r[3] == town[0]])
    county_code = next(r[0] for r in rows if r[2] == "county")
    by_code[county_code] = _union([by_code[r[0]] for r in town_rows])

    regions = tuple((*row, by_code.get(row[0])) for row in rows)
    grid_records = tuple(
        (code, name, kind, geom)
        for (code, name, kind, _, _), geom in zip(grids, grid_out, strict=True)
    )
    return regions, grid_records


def _county(rng: random.Random) -> Polygon:
    """An irregular outline, longer north-south, holding every town seat well inside."""
    for _ in range(100):
        county = _blob(rng, (0.0, -11.0), COUNTY_AREA_KM2, 0.2, harmonics=20, n=240, aspect=0.78)
        inner = county.buffer(-4.0)
        if all(inner.contains(shapely.Point(p)) for p in _TOWN_SEATS.values()):
            return county
    raise RuntimeError("no county outline holds every town seat")


def _towns(rng: random.Random, county: Polygon, codes: list[str]) -> dict[str, Polygon]:
    """Streets share a small zone around the county seat; towns split the rest."""
    streets = [c for c in codes if c[6] == "0"]
    others = [c for c in codes if c[6] != "0"]
    zone = _piece_at(shapely.intersection(county, _blob(rng, (0.5, 0.5), _STREETS_KM2)), (0, 0))
    rest = shapely.difference(county, zone)
    street_seats = [_TOWN_SEATS[c] for c in streets]
    town_seats = [_TOWN_SEATS[c] for c in others]
    parts = _cut(zone, street_seats) + _cut(rest, town_seats)
    return dict(zip(streets + others, _make_single(parts, street_seats + town_seats), strict=True))


def _communities(rng, town: str, poly: Polygon, members: list, out: dict, centres: dict) -> None:
    """Urban communities share a small core around the town seat, villages the rest."""
    urban = [m[0] for m in members if is_urban(m[1])]
    villages = [m[0] for m in members if not is_urban(m[1])]
    rural, core_seeds, parts = poly, [], []
    if urban:
        centre = _URBAN_CENTRES.get(town, _TOWN_SEATS[town])
        per_km2 = _URBAN_KM2["street" if town[6] == "0" else "town"]
        blob = _blob(rng, centre, len(urban) * per_km2, roughness=0.35)
        core = _piece_at(shapely.intersection(poly, blob), centre)
        rural = shapely.union_all(_polygons(shapely.difference(poly, core)))
        core_seeds = _sample(rng, core, len(urban))
        parts = _cut(core, core_seeds)
    village_seeds = _sample(rng, rural, len(villages))
    parts += _cut(rural, village_seeds)
    seeds = core_seeds + village_seeds
    for code, part, seed in zip(urban + villages, _make_single(parts, seeds), seeds, strict=True):
        out[code], centres[code] = part, seed


def _grids(rng, code: str, name: str, poly: Polygon, centre) -> list[tuple]:
    """2-4 grids: tiling an urban community, or the settled core of a village."""
    urban = is_urban(name)
    k = rng.choice((3, 3, 4) if urban else (2, 3, 3, 4))
    area = poly
    if not urban:
        blob = _blob(rng, centre, rng.uniform(0.3, 0.5) * poly.area, roughness=0.4)
        area = _piece_at(shapely.intersection(poly, blob), centre)
    seeds = _sample(rng, area, k)
    cells = _make_single(_cut(area, seeds), seeds)
    dedicated = rng.random() < (0.25 if urban else 0.17)  # about 5% of all grids
    stem, number, out = short_name(name), 0, []
    for seq, cell in enumerate(cells, start=1):
        if dedicated and seq == k:
            site = rng.choice(_DEDICATED_SITES["urban" if urban else "rural"])
            out.append((f"{code}{seq:03d}", f"{stem}{site}专属网格", "dedicated", cell))
        else:
            number += 1
            out.append((f"{code}{seq:03d}", f"{stem}第{number}网格", "comprehensive", cell))
    return out


# --- geometry helpers -----------------------------------------------------------------------


def _blob(rng: random.Random, centre, area, roughness=0.3, harmonics=8, n=96, aspect=1.0):
    """An irregular star-shaped polygon of the given area (km²) around centre."""
    k = np.arange(2, harmonics + 1)
    a, phase = np.array([(rng.uniform(0.2, 1.0), rng.uniform(0, 2 * math.pi)) for _ in k]).T
    a *= roughness / k
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = 1 + (a * np.cos(np.outer(t, k) + phase)).sum(axis=1)
    ring = np.column_stack([r * np.cos(t) * aspect, r * np.sin(t) / aspect])
    ring *= math.sqrt(area / shapely.area(shapely.polygons(ring)))
    return shapely.polygons(ring + centre)


def _polygons(geometry) -> list[Polygon]:
    return [p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon" and p.area > 0]


def _piece_at(geometry, point) -> Polygon:
    """The part of geometry containing point, else its largest part."""
    parts = _polygons(geometry)
    inside = [p for p in parts if p.contains(shapely.Point(point))]
    return inside[0] if inside else max(parts, key=lambda p: p.area)


def _sample(rng: random.Random, poly, n: int, candidates: int = 12) -> list[tuple[float, float]]:
    """n well-spread points inside poly (Mitchell's best candidate, kept off the boundary)."""
    minx, miny, maxx, maxy = poly.bounds
    boundary = poly.boundary
    points: list[tuple[float, float]] = []
    while len(points) < n:
        found: list[list[float]] = []
        while len(found) < candidates:
            xy = np.array([(rng.uniform(minx, maxx), rng.uniform(miny, maxy)) for _ in range(32)])
            found += xy[shapely.contains_xy(poly, xy[:, 0], xy[:, 1])].tolist()
        cand = np.array(found[:candidates])
        score = 1.5 * shapely.distance(boundary, shapely.points(cand))
        if points:
            gaps = cand[:, None, :] - np.array(points)[None, :, :]
            score = np.minimum(score, np.sqrt((gaps**2).sum(axis=2)).min(axis=1))
        x, y = cand[int(np.argmax(score))]
        points.append((float(x), float(y)))
    return points


def _cut(poly, seeds) -> list:
    """poly cut by the Voronoi cells of seeds, in seed order (parts may be multi-part)."""
    if len(seeds) == 1:
        return [poly]
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=poly, ordered=True)
    return list(shapely.intersection(shapely.get_parts(cells), poly))


def _make_single(parts: list, seeds: list) -> list[Polygon]:
    """Each part one polygon: a stray piece (a cell cut in two by a concave parent) joins the
    neighbour it shares the longest edge with."""
    out = list(parts)
    for _ in range(4 * len(out)):
        bad = next((i for i, g in enumerate(out) if g.geom_type != "Polygon"), None)
        if bad is None:
            return out
        pieces = _polygons(out[bad])
        inside = [p.contains(shapely.Point(seeds[bad])) for p in pieces]
        keep = inside.index(True) if any(inside) else int(np.argmax(shapely.area(pieces)))
        out[bad] = pieces[keep]
        strays = pieces[:keep] + pieces[keep + 1 :]
        for stray in strays:
            edge = stray.boundary.buffer(1e-5)
            j = max(
                (j for j in range(len(out)) if j != bad),
                key=lambda j: (edge.intersection(out[j].boundary).length, -j),
            )
            out[j] = shapely.union(out[j], stray, grid_size=_KM_GRID)
    raise RuntimeError("could not make every cell a single polygon")


def _warp(rng: random.Random):
    """(warp, unwarp): a smooth displacement of the plane (km) fixing the county seat, sine
    waves of 12, 5 and 2 km, and its inverse. Its gradient stays below 0.7, so it folds
    nothing (a tiling stays a tiling) and the inverse converges by fixed-point iteration."""
    k, phase, amplitude = np.zeros((2, 6)), np.zeros(6), np.zeros((6, 2))
    for i, (axis, wavelength, height) in enumerate(
        (axis, *wave) for axis in (0, 1) for wave in ((12.0, 0.45), (5.0, 0.12), (2.0, 0.03))
    ):
        angle = rng.uniform(0, 2 * math.pi)
        k[:, i] = 2 * math.pi / wavelength * np.array([math.cos(angle), math.sin(angle)])
        phase[i], amplitude[i, axis] = rng.uniform(0, 2 * math.pi), height

    def shift(xy: np.ndarray) -> np.ndarray:
        return (np.sin(xy @ k + phase) - np.sin(phase)) @ amplitude

    def inverse(xy: np.ndarray) -> np.ndarray:
        guess = xy.copy()
        for _ in range(100):
            guess, previous = xy - shift(guess), guess
            if np.abs(guess - previous).max(initial=0.0) < 1e-7:
                break
        return guess

    return (
        lambda geometry: shapely.transform(geometry, lambda xy: xy + shift(xy)),
        lambda geometry: shapely.transform(geometry, inverse),
    )


def _on_drawing(faces, to_drawing):
    """Faces mapped back onto the drawing lazily: (a point inside each, faces by index)."""
    return to_drawing(shapely.point_on_surface(faces)), lambda index: to_drawing(faces[index])


def _owners(faces, owners, min_share=0.0, same=None) -> np.ndarray:
    """For each face (from _on_drawing) the owner covering most of it, or -1 if none covers more
    than min_share; same=(owner groups, face groups) limits a face to the owners of its group.

    The point inside the face decides, unless it lies within a metre of an owner's edge (the
    snapping moved the edges a little): then the areas of overlap do."""
    points, faces_at = faces

    def pairs(fi, oi, index=None):  # index: the faces' numbers, when fi are positions in it
        face = fi if index is None else index[fi]
        keep = np.ones(len(fi), bool) if same is None else same[0][oi] == same[1][face]
        return fi[keep], oi[keep]

    tree = shapely.STRtree(owners)
    result = np.full(len(points), -1)
    fi, oi = pairs(*tree.query(points, predicate="within"))
    result[fi] = oi
    edges = shapely.STRtree(shapely.boundary(owners))
    near = np.unique(pairs(*edges.query(points, predicate="dwithin", distance=1e-3))[0])
    result[near] = -1
    near_faces = faces_at(near)
    fi, oi = pairs(*tree.query(near_faces, predicate="intersects"), near)
    share = shapely.area(shapely.intersection(near_faces[fi], owners[oi]))
    share /= shapely.area(near_faces[fi])
    best = np.full(len(points), min_share)
    for f, o, s in zip(near[fi].tolist(), oi.tolist(), share.tolist(), strict=True):
        if s > best[f]:
            result[f], best[f] = o, s
    return result


def _dissolve(faces, owner: np.ndarray, n: int) -> list[Polygon]:
    groups: list[list] = [[] for _ in range(n)]
    for face, o in zip(faces, owner.tolist(), strict=True):
        if o >= 0:
            groups[o].append(face)
    return [_union(g) for g in groups]


def _union(polygons: list) -> Polygon:
    merged = shapely.coverage_union_all(polygons)
    if merged.geom_type != "Polygon":
        raise RuntimeError(f"a unit of the demo layer is a {merged.geom_type}")
    return shapely.orient_polygons(merged)


def _feature(properties: dict, polygon) -> dict[str, Any]:
    """A GeoJSON Feature, coordinates rounded to 6 decimals (they already sit on that grid)."""
    rings = [] if polygon is None else [polygon.exterior, *polygon.interiors]
    coordinates = [
        [[round(x, 6), round(y, 6)] for x, y in shapely.get_coordinates(r).tolist()] for r in rings
    ]
    geometry = None if polygon is None else {"type": "Polygon", "coordinates": coordinates}
    return {"type": "Feature", "properties": properties, "geometry": geometry}
