#!/usr/bin/env python3
"""Dashboard benchmark: the county overview, a league table, the heat map, a drill-down page,
a CSV export of 100,000 cases and a full rebuild of the figures, over `--cases` cases spread
over three years in one county (the demo's 惠水县 layer, the closed loop's rules: history.py).

    .venv/bin/python bench/dashboard.py [--cases 1000000] [--repeat 5] [--fresh]

Uses GRIDBEE_DATABASE_URL when set (as given: the database is the benchmark's to fill), else
its own SQLite file under bench/.cache/dashboard-<cases>/ (kept between runs; --fresh writes it
again). With --copy, a PostgreSQL database is filled with that SQLite file's rows: the same
cases, events and places on both databases. Times are p50 of --repeat runs, each a fresh query
(no cache of ours in between). The export runs in a child process, whose peak RSS is the one
reported. The last line printed is one JSON object."""

import argparse
import datetime
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from _shared import database_key, loadavg, wipe  # noqa: E402

COUNTY = "522731000000"  # the demo layer's 惠水县
BATCH = 20_000
EXPORT_ROWS = 100_000


def setup(cases: int) -> None:
    cache = ROOT / "bench" / ".cache" / f"dashboard-{cases}"
    cache.mkdir(parents=True, exist_ok=True)
    os.environ["GRIDBEE_DATA_DIR"] = str(cache)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridbee.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def fill(cases: int) -> float:
    """The county, its departments and `cases` cases over three years; returns seconds."""
    from django.utils import timezone

    from gridbee.cases.models import Category
    from gridbee.geo.actions import import_grids, import_regions
    from gridbee.geo.demo_layer import huishui_grids, huishui_regions
    from gridbee.geo.models import Grid
    from gridbee.people.models import Department, User
    from gridbee.reports.actions import ensure_default_categories
    from gridbee.stats import history, synthetic
    from gridbee.stats.defaults import ensure_indicators

    started = time.monotonic()
    wipe()
    ensure_default_categories()
    ensure_indicators()
    import_regions(huishui_regions())
    import_grids(huishui_grids())
    codes = sorted({c.department_code for c in Category.objects.all()})
    departments = {
        code: Department.objects.create(county_id=COUNTY, code=code, name=code).pk for code in codes
    }
    User.objects.create_superuser("13899999999", "bench-only", name="bench")
    places = [history.Place(g.pk, g.community_id, g.centroid_lat, g.centroid_lon)
              for g in Grid.objects.order_by("code")]  # fmt: skip
    kinds = [history.Kind(c.pk, c.handling_minutes, departments[c.department_code])
             for c in Category.objects.filter(active=True)]  # fmt: skip
    now = timezone.now()
    start = now - datetime.timedelta(days=3 * 365)
    end = now - datetime.timedelta(hours=1)
    plans = history.plans(COUNTY, places, kinds, n=cases, start=start, end=end, now=now)
    batch, written = [], 0
    for plan in plans:
        batch.append(plan)
        if len(batch) == BATCH:
            written += len(synthetic.write(batch))
            batch = []
            print(f"  {written:,} cases written ({time.monotonic() - started:.0f} s)", flush=True)
    written += len(synthetic.write(batch))
    from django.db import connection

    if connection.vendor == "postgresql":  # as autovacuum would soon after such a load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.monotonic() - started


def copy_from_sqlite(cases: int) -> float:
    """Every table's rows from the SQLite cache of this many cases (the figures' own tables
    aside: the rebuild writes them), COPY'd in one transaction; returns seconds."""
    import sqlite3

    from django.apps import apps
    from django.db import connection, transaction

    source = ROOT / "bench" / ".cache" / f"dashboard-{cases}" / "gridbee.sqlite3"
    if not source.exists():
        raise SystemExit(f"no {source}: run this benchmark on SQLite first")
    started = time.monotonic()
    lite = sqlite3.connect(source)
    skip = {"stats_casemeasure", "stats_dailystat", "stats_dirtyday", "django_migrations"}
    tables = [m._meta.db_table for m in apps.get_models(include_auto_created=True)]
    with transaction.atomic(), connection.cursor() as cursor:
        # Empty, as a flush would not leave them: it writes content types and permissions again.
        cursor.execute(f"TRUNCATE {', '.join(map(connection.ops.quote_name, tables))} CASCADE")
        cursor.execute("SET TIME ZONE 'UTC'")  # SQLite holds naive UTC moments
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # in any table order
        for table in sorted(set(tables) - skip):
            read = lite.execute(f'SELECT * FROM "{table}"')
            columns = ", ".join(connection.ops.quote_name(c[0]) for c in read.description)
            name = connection.ops.quote_name(table)
            with cursor.cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                for row in read:
                    copy.write_row(row)
            if any(c[0] == "id" for c in read.description):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                )
        cursor.execute("ANALYZE")
    return time.monotonic() - started


def p50_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1)


def measure(repeat: int) -> dict:
    from django.utils import timezone

    from gridbee.people.models import User
    from gridbee.stats import dashboards, periods, queries

    admin = User.objects.get(mobile="13899999999")
    scope = queries.scope_for(admin, COUNTY)
    today = timezone.localdate()
    year, quarter = periods.parse("year", today), periods.parse("quarter", today)
    due = queries.indicator("due")

    def overview():  # this year with 环比 and 同比, and today, month and quarter alike
        for name in periods.NAMES:
            dashboards.overview(scope, periods.parse(name, today))

    def drill():
        pages = queries.drill_pages(admin, scope, due, "numerator", year)
        return pages.count, list(pages.page(1))

    return {
        "overview_ms": p50_ms(overview, repeat),
        "league_ms": p50_ms(lambda: dashboards.league_table(scope, "grid", year), repeat),
        "heatmap_ms": p50_ms(lambda: queries.heat(scope, "opened", quarter), repeat),
        "drilldown_ms": p50_ms(drill, repeat),
    }


def peak_rss_mb() -> float:
    """This process's own high-water mark. Not getrusage's ru_maxrss: Linux carries the
    parent's (the benchmark's, after the rebuild) into a child across fork and exec."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_child() -> None:
    """In a process of its own: stream the CSV of the newest 100,000 cases; print seconds and
    the peak resident memory."""
    from gridbee.cases.models import Case
    from gridbee.stats import exports

    newest = Case.objects.order_by("-pk").values_list("pk", flat=True)[
        EXPORT_ROWS - 1 : EXPORT_ROWS
    ]
    first = newest[0] if newest else 0
    cases = Case.objects.filter(pk__gte=first)
    before = peak_rss_mb()
    started = time.monotonic()
    size = lines = 0
    for chunk in exports.csv_stream(cases):
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.monotonic() - started
    peak = peak_rss_mb()
    out = {"export_rows": lines - 1, "export_100k_s": round(seconds, 2),
           "export_mb": round(size / 2**20, 1), "export_rss_before_mb": round(before),
           "export_peak_rss_mb": round(peak)}  # fmt: skip
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--copy", action="store_true", help="PostgreSQL: copy the SQLite cache")
    parser.add_argument("--export-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup(args.cases)
    if args.export_child:
        export_child()
        return
    from django.db import connection

    from gridbee.cases.models import Case
    from gridbee.stats import aggregates

    print(f"load average: {loadavg()}, {os.cpu_count()} CPUs", flush=True)
    figures = {"database": connection.vendor, "load_average_start": loadavg()}
    stored = Case.objects.count() if not args.fresh else 0
    if args.copy and (args.fresh or stored != args.cases):
        figures["copy_s"] = round(copy_from_sqlite(args.cases))
    elif args.fresh or stored != args.cases:
        figures["fill_s"] = round(fill(args.cases))
    started = time.monotonic()
    result = aggregates.rebuild()
    figures["rebuild_s"] = round(time.monotonic() - started, 1)
    figures["contributions"] = result["contributions"]
    figures["daily_rows"] = result["daily_rows"]
    print(f"rebuilt in {figures['rebuild_s']} s: {result}", flush=True)
    connection.close()  # cold: a new connection for the reads
    figures |= measure(args.repeat)
    child = subprocess.run(
        [sys.executable, __file__, "--cases", str(args.cases), "--export-child"],
        capture_output=True, text=True, check=True, env={**os.environ},
    )  # fmt: skip
    figures |= json.loads(child.stdout.strip().splitlines()[-1])
    figures |= {"cases": Case.objects.count(), "db": database_key(),
                "load_average_end": loadavg()}  # fmt: skip
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
