"""Every write to regions and grids. Imports are all-or-nothing: every feature is checked first,
problems are reported per feature, and only a clean file is written, in one transaction that
also renews the layer revision so every process's routing index reloads."""

import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.db import transaction
from django.utils import timezone

from gridbee.core.errors import DomainError

from . import crs as crs_mod
from .choices import Crs, GridKind, Level
from .errors import GeoError
from .geometry import GeometryProblem, areas_m2, deg2_to_m2, from_geojson
from .index import LAYER, mark_stale
from .models import Grid, LayerRevision, Region

Progress = Callable[[str, int, int], None]
MAX_REPORTED = 500
OVERLAP_TOLERANCE_M2 = 1.0
_BATCH = 2_000
_KIND_ALIASES = {"综合网格": GridKind.COMPREHENSIVE, "专属网格": GridKind.DEDICATED}


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0


@dataclass
class _Checked:
    problems: list[dict] = field(default_factory=list)
    total_problems: int = 0

    def add(self, index: int, code, message: str) -> None:
        self.total_problems += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append({"feature": index, "code": code, "message": message})

    def raise_if_any(self) -> None:
        if self.total_problems:
            self.problems.sort(key=lambda p: p["feature"])
            raise DomainError(
                GeoError.IMPORT_REJECTED,
                problems=self.problems,
                problem_count=self.total_problems,
            )


def touch_layer() -> None:
    """Renew the layer revision inside the caller's transaction."""
    LayerRevision.objects.update_or_create(name=LAYER, defaults={"revision": uuid.uuid4().hex})
    transaction.on_commit(mark_stale)


def _noop(stage: str, done: int, total: int) -> None:
    pass


def _props(feature, i: int, checked: _Checked) -> dict | None:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        checked.add(i, None, "not a GeoJSON Feature")
        return None
    props = feature.get("properties")
    if not isinstance(props, dict):
        checked.add(i, None, "feature has no properties")
        return None
    return props


def _code(props: dict, digits: int, i: int, checked: _Checked) -> str | None:
    code = str(props.get("code") or "").strip()
    if len(code) != digits or not code.isdigit():
        checked.add(i, code or None, f"code must be {digits} digits")
        return None
    return code


def _name(props: dict, code: str, i: int, checked: _Checked) -> str | None:
    name = str(props.get("name") or "").strip()
    if not name or len(name) > 100:
        checked.add(i, code, "name is required (at most 100 characters)")
        return None
    return name


def _geometry(feature: dict, code: str, i: int, checked: _Checked, crs: str, required=True):
    raw = feature.get("geometry")
    if raw is None and not required:
        return None
    try:
        geom = from_geojson(raw)
        if crs != Crs.WGS84:
            geom = shapely.transform(geom, lambda xy: _to_wgs84_xy(xy, crs))
            if not geom.is_valid:
                raise GeometryProblem("geometry becomes invalid once converted to WGS-84")
        return geom
    except GeometryProblem as exc:
        checked.add(i, code, str(exc))
        return False


def _to_wgs84_xy(xy: np.ndarray, crs: str) -> np.ndarray:
    lons, lats = crs_mod.to_wgs84_arrays(xy[:, 0], xy[:, 1], crs)
    return np.column_stack([lons, lats])


def _by_code(queryset, codes, *fields) -> list:
    """values_list() of the rows whose code is in codes, asked in chunks that stay under
    SQLite's limit on bound parameters."""
    codes = sorted(set(codes))
    rows: list = []
    for start in range(0, len(codes), 900):
        chunk = queryset.filter(code__in=codes[start : start + 900])
        rows.extend(chunk.values_list(*fields, flat=len(fields) == 1))
    return rows


def import_regions(
    features: Iterable[dict],
    *,
    actor=None,
    replace: bool = False,
    crs: str = Crs.WGS84,
    progress: Progress = _noop,
) -> ImportSummary:
    """Regions, parents before children: properties code (12 digits), name, level (province,
    city, county, town, community), parent_code; geometry optional."""
    checked = _Checked()
    rows: list[tuple[int, str, str, int, str | None, object]] = []
    features = list(features)
    for i, feature in enumerate(features):
        progress("checking", i, len(features))
        props = _props(feature, i, checked)
        if props is None or not (code := _code(props, 12, i, checked)):
            continue
        name = _name(props, code, i, checked)
        try:
            level = Level.from_name(str(props.get("level", "")))
        except KeyError:
            checked.add(i, code, "level must be province, city, county, town or community")
            continue
        parent = str(props.get("parent_code") or "").strip() or None
        geom = _geometry(feature, code, i, checked, crs, required=False)
        if name and geom is not False:
            rows.append((i, code, name, level, parent, geom))

    counts = Counter(code for _, code, *_ in rows)
    in_file = {code: level for _, code, _, level, _, _ in rows}
    existing = set(_by_code(Region.objects, in_file, "code"))
    outside_parents = {r[4] for r in rows if r[4] and r[4] not in in_file}
    parent_levels = dict(_by_code(Region.objects, outside_parents, "code", "level"))
    parent_levels.update(in_file)
    for i, code, _, level, parent, _ in rows:
        if counts[code] > 1:
            checked.add(i, code, "code appears more than once in the file")
        if code in existing and not replace:
            checked.add(i, code, "a region with this code exists already (use --replace)")
        if level == Level.PROVINCE:
            if parent:
                checked.add(i, code, "a province has no parent")
        elif parent not in parent_levels:
            checked.add(i, code, f"unknown parent region {parent or '(none)'}")
        elif parent_levels[parent] >= level:
            checked.add(i, code, f"parent {parent} is not above this region's level")
    checked.raise_if_any()

    geoms = [r[5] for r in rows if r[5] is not None]
    areas = iter(areas_m2(geoms)) if geoms else iter(())
    now = timezone.now()  # bulk_update does not apply auto_now
    new, shaped, unshaped = [], [], []
    for _, code, name, level, parent, geom in rows:
        region = Region(code=code, name=name, level=level, parent_id=parent, updated_at=now)
        if geom is not None:
            region.geom, region.area_m2 = shapely.to_wkb(geom), float(next(areas))
        if code not in existing:
            new.append(region)
        else:  # without a boundary in the file, a region keeps the one it has
            (shaped if geom is not None else unshaped).append(region)
    with transaction.atomic():
        for start in range(0, len(new), _BATCH):
            progress("writing", start, len(rows))
            Region.objects.bulk_create(new[start : start + _BATCH])
        fields = ["name", "level", "parent", "updated_at"]
        Region.objects.bulk_update(shaped, [*fields, "geom", "area_m2"], batch_size=_BATCH)
        Region.objects.bulk_update(unshaped, fields, batch_size=_BATCH)
        progress("writing", len(rows), len(rows))
        touch_layer()
    return ImportSummary(created=len(new), updated=len(shaped) + len(unshaped))


def import_grids(
    features: Iterable[dict],
    *,
    actor=None,
    replace: bool = False,
    crs: str = Crs.WGS84,
    progress: Progress = _noop,
) -> ImportSummary:
    """Grids: properties code (community code + 3 digits), name, kind; a Polygon or
    MultiPolygon. Refused whole on unknown communities, duplicate codes, invalid geometry,
    overlaps between grids, or a grid reaching outside its community's boundary."""
    checked = _Checked()
    codes, names, kinds, geoms, positions = [], [], [], [], []
    features = features if isinstance(features, list) else list(features)
    total = len(features)
    for i, feature in enumerate(features):
        if i % 10_000 == 0:
            progress("checking", i, total)
        props = _props(feature, i, checked)
        if props is None or not (code := _code(props, 15, i, checked)):
            continue
        name = _name(props, code, i, checked)
        raw_kind = str(props.get("kind") or GridKind.COMPREHENSIVE).strip()
        kind = _KIND_ALIASES.get(raw_kind, raw_kind)
        if kind not in GridKind.values:
            checked.add(i, code, "kind must be comprehensive (综合网格) or dedicated (专属网格)")
            continue
        geom = _geometry(feature, code, i, checked, crs)
        if name and geom is not False:
            codes.append(code)
            names.append(name)
            kinds.append(kind)
            geoms.append(geom)
            positions.append(i)
    progress("checking", total, total)

    geoms_arr = np.array(geoms, dtype=object)
    _check_codes(codes, positions, replace, checked)
    _check_communities(codes, geoms_arr, positions, checked)
    _check_overlaps(codes, geoms_arr, positions, replace, checked, progress)
    checked.raise_if_any()
    return _write_grids(codes, names, kinds, geoms_arr, progress)


def _check_codes(codes, positions, replace, checked: _Checked) -> None:
    counts = Counter(codes)
    existing = set() if replace else set(_by_code(Grid.objects, codes, "code"))
    for i, code in zip(positions, codes, strict=True):
        if counts[code] > 1:
            checked.add(i, code, "code appears more than once in the file")
        elif code in existing:
            checked.add(i, code, "a grid with this code exists already (use --replace)")


def _check_communities(codes, geoms, positions, checked: _Checked) -> None:
    rows = _by_code(
        Region.objects.filter(level=Level.COMMUNITY), {c[:12] for c in codes}, "code", "geom"
    )
    communities = dict(rows)
    bounded = {c: shapely.from_wkb(bytes(g)) for c, g in communities.items() if g is not None}
    for n, (i, code) in enumerate(zip(positions, codes, strict=True)):
        community = code[:12]
        if community not in communities:
            checked.add(i, code, f"unknown community {community} (its first 12 digits)")
        elif community in bounded:
            outside = shapely.area(shapely.difference(geoms[n], bounded[community]))
            outside_m2 = float(deg2_to_m2(outside, bounded[community].centroid.y))
            if outside_m2 > OVERLAP_TOLERANCE_M2:
                checked.add(i, code, f"reaches {outside_m2:.0f} m² outside its community")


def _check_overlaps(codes, geoms, positions, replace, checked: _Checked, progress) -> None:
    if not len(geoms):
        return
    progress("checking overlaps", 0, len(geoms))
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    others = Grid.objects.filter(min_lon__lte=x1, max_lon__gte=x0, min_lat__lte=y1, max_lat__gte=y0)
    # With --replace, a grid's old shape makes way for its new one.
    replaced = set(codes) if replace else set()
    other_rows = [(c, bytes(g)) for c, g in others.values_list("code", "geom") if c not in replaced]
    all_codes = list(codes) + [c for c, _ in other_rows]
    all_geoms = (
        np.concatenate(
            [geoms, shapely.from_wkb(np.array([g for _, g in other_rows], dtype=object))]
        )
        if other_rows
        else geoms
    )
    tree = shapely.STRtree(all_geoms)
    shapely.prepare(all_geoms)
    pairs = [tree.query(geoms, predicate=p) for p in ("overlaps", "contains", "within")]
    src = np.concatenate([p[0] for p in pairs])
    dst = np.concatenate([p[1] for p in pairs])
    keep = src != dst
    src, dst = src[keep], dst[keep]
    if not len(src):
        return
    shared = shapely.area(shapely.intersection(geoms[src], all_geoms[dst]))
    shared_m2 = deg2_to_m2(shared, shapely.get_y(shapely.centroid(geoms[src])))
    for s, d, m2 in sorted(zip(src.tolist(), dst.tolist(), shared_m2.tolist(), strict=True)):
        if m2 > OVERLAP_TOLERANCE_M2:
            checked.add(positions[s], codes[s], f"overlaps grid {all_codes[d]} by {m2:.0f} m²")


def _write_grids(codes, names, kinds, geoms, progress) -> ImportSummary:
    summary = ImportSummary()
    if not len(geoms):
        return summary
    areas = areas_m2(geoms)
    centroids = shapely.centroid(geoms)
    cx, cy = shapely.get_x(centroids), shapely.get_y(centroids)
    bounds = shapely.bounds(geoms)
    wkbs = shapely.to_wkb(geoms)
    with transaction.atomic():
        existing = dict(_by_code(Grid.objects, codes, "code", "pk"))
        now = timezone.now()  # bulk_update does not apply auto_now
        new, changed = [], []
        for n, code in enumerate(codes):
            grid = Grid(
                pk=existing.get(code),
                code=code,
                community_id=code[:12],
                name=names[n],
                kind=kinds[n],
                geom=wkbs[n],
                area_m2=float(areas[n]),
                centroid_lon=float(cx[n]),
                centroid_lat=float(cy[n]),
                min_lon=float(bounds[n, 0]),
                min_lat=float(bounds[n, 1]),
                max_lon=float(bounds[n, 2]),
                max_lat=float(bounds[n, 3]),
                updated_at=now,
            )
            (changed if grid.pk else new).append(grid)
        for start in range(0, len(new), _BATCH):
            progress("writing", start, len(codes))
            Grid.objects.bulk_create(new[start : start + _BATCH])
        fields = [f.name for f in Grid._meta.concrete_fields if not f.primary_key]
        for start in range(0, len(changed), _BATCH):
            progress("writing", len(new) + start, len(codes))
            Grid.objects.bulk_update(changed[start : start + _BATCH], fields)
        progress("writing", len(codes), len(codes))
        touch_layer()
    summary.created, summary.updated = len(new), len(changed)
    return summary


def save_details(obj: Region | Grid, *, actor=None) -> None:
    """Save names and kinds edited by hand (geometry changes go through imports)."""
    with transaction.atomic():
        obj.save()
        touch_layer()


def delete_layer_objects(objs: Iterable[Region | Grid], *, actor=None) -> None:
    with transaction.atomic():
        for obj in objs:
            obj.delete()
        touch_layer()
