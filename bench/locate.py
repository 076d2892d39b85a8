#!/usr/bin/env python3
"""Routing benchmark: a province-sized layer (400,000 grids by default) stored in the database,
the index built from it, then single lookups through the public routing function and batches.

    .venv/bin/python bench/locate.py [--grids N] [--points N] [--fresh]

Uses GRIDBEE_DATABASE_URL when set, else its own SQLite file under bench/.cache/ (kept between
runs; --fresh rebuilds it). The last line printed is one JSON object with the figures."""

import argparse
import gc
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grids", type=int, default=400_000)
    parser.add_argument("--points", type=int, default=200_000, help="single lookups to time")
    parser.add_argument("--batch", type=int, default=1_000_000, help="points per batch")
    parser.add_argument("--fresh", action="store_true", help="regenerate the stored layer")
    args = parser.parse_args()

    if not os.environ.get("GRIDBEE_DATABASE_URL"):
        os.environ["GRIDBEE_DATA_DIR"] = str(ROOT / "bench" / ".cache" / f"locate-{args.grids}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridbee.settings")
    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command

    from gridbee.geo import routing
    from gridbee.geo.index import LayerIndex
    from gridbee.geo.models import Grid
    from gridbee.geo.synthetic import BOUNDS

    call_command("migrate", verbosity=0)
    stored = Grid.objects.filter(code__startswith="99").count()
    if args.fresh or stored == 0:
        import_s = store_layer(args.grids)
        # Measure in a fresh process: the import's garbage would blur memory and timings.
        os.environ["GRIDBEE_BENCH_IMPORT_S"] = f"{import_s:.1f}"
        argv = [a for a in sys.argv if a != "--fresh"]
        os.execv(sys.executable, [sys.executable, *argv])
    import_s = os.environ.get("GRIDBEE_BENCH_IMPORT_S")
    print(f"layer: {stored:,} grids stored in {django.db.connection.vendor}", flush=True)

    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    index = LayerIndex.from_database()
    build_s = time.perf_counter() - started
    gc.collect()
    index_mb = rss_mb() - before
    print(f"index: built from the database in {build_s:.2f} s, {index_mb:.0f} MB", flush=True)

    # Route through the public function, as every caller does, with the index it will use.
    from gridbee.geo import index as index_module

    index_module._Current.index, index_module._Current.checked_at = index, time.monotonic()
    rng = np.random.default_rng(42)
    west, south, east, north = BOUNDS
    lats = rng.uniform(south, north, args.points).tolist()
    lons = rng.uniform(west, east, args.points).tolist()
    locate, clock = routing.locate, time.perf_counter_ns
    for lat, lon in zip(lats[:5000], lons[:5000], strict=True):
        locate(lat, lon)  # warm the caches the way a running server has them
    timings = []
    hits = 0
    for lat, lon in zip(lats, lons, strict=True):
        t0 = clock()
        found = locate(lat, lon)
        timings.append(clock() - t0)
        hits += found.grid is not None
    timings_us = np.array(timings) / 1000
    p50, p99 = np.percentile(timings_us, [50, 99])
    print(f"single: p50 {p50:.1f} µs, p99 {p99:.1f} µs, {hits / args.points:.1%} in a grid")

    blats = rng.uniform(south, north, args.batch)
    blons = rng.uniform(west, east, args.batch)
    started = time.perf_counter()
    batch = routing.grid_codes_at(blats, blons)
    batch_s = time.perf_counter() - started
    assert len(batch) == args.batch
    print(f"batch: {args.batch:,} points in {batch_s:.2f} s = {args.batch / batch_s:,.0f} points/s")

    figures = {
        "grids": len(index),
        "build_s": round(build_s, 3),
        "lookup_us_p50": round(float(p50), 2),
        "lookup_us_p99": round(float(p99), 2),
        "batch_points_per_s": round(args.batch / batch_s),
        "index_mb": round(index_mb, 1),
        "database": django.db.connection.vendor,
        "import_s": float(import_s) if import_s else None,
    }
    print(json.dumps(figures))


def store_layer(n_grids: int) -> float:
    """Store the synthetic province through the same import actions as real data."""
    from gridbee.geo.actions import import_grids, import_regions
    from gridbee.geo.models import Grid, Region
    from gridbee.geo.synthetic import province_layer

    def progress(stage, done, total):
        if done == total or done % 50_000 == 0:
            print(f"  {stage}: {done:,}/{total:,}", flush=True)

    Grid.objects.filter(code__startswith="99").delete()
    for level in range(5, 0, -1):
        Region.objects.filter(code__startswith="99", level=level).delete()
    print(f"storing a synthetic province of {n_grids:,} grids (once; kept for later runs)")
    started = time.perf_counter()
    regions, grids = province_layer(n_grids)
    import_regions(regions, progress=progress)
    import_grids(list(grids), progress=progress)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
