#!/usr/bin/env python3
"""Intake benchmark: reports through the real HTTP stack (the server as a county runs it, one
process), each with one ~3-megapixel phone JPEG, then the deduplication lookup among a million
stored cases.

    .venv/bin/python bench/intake.py [--duration S] [--clients N] [--rate R] [--cases N]
                                     [--workers N] [--big-photo] [--s3 [MOTO_SERVER]]
                                     [--fresh] [--dedup-only]
    .venv/bin/python bench/intake.py --rig [FOLDER] [--duration S] [--clients N] [--rate R]

--rig measures the province rig (`gridbee rig up --demo` first) through its HAProxy: the ~1.1 MB
photo in a closed loop, then at --rate reports a second; no synthetic cases, no dedup timing.

--s3 keeps the photos in moto's S3 API server (the rig's), started here on a free port.

Uses GRIDBEE_DATABASE_URL when set (as given), else its own SQLite file under
bench/.cache/intake/ (kept between runs with its million cases; --fresh wipes the database and
reloads them). Only talks to 127.0.0.1. The last line printed is one JSON object."""

import argparse
import contextlib
import http.client
import io
import json
import os
import random
import re
import resource
import shutil
import statistics
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from _shared import (  # noqa: E402
    S3Server,
    cpu_s,
    database_key,
    loadavg,
    moto_server,
    processes,
    wipe,
)
from _shared import Server as BenchServer  # noqa: E402

CACHE = ROOT / "bench" / ".cache" / "intake"
REDIS_URL = "redis://127.0.0.1:6379/15"
SEED = 2026
HOT_SPOTS = 400  # problem places near the county seat that riders keep reporting
OPEN_LOOP_THREADS = 16


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20, help="seconds per load phase")
    parser.add_argument("--clients", type=int, default=6, help="closed-loop clients")
    parser.add_argument("--rate", type=float, default=10, help="open-loop reports per second")
    parser.add_argument("--cases", type=int, default=1_000_000, help="synthetic cases stored")
    parser.add_argument("--lookups", type=int, default=2000, help="dedup lookups to time")
    parser.add_argument(
        "--workers", type=int, default=2, help="also measure uvicorn with N processes (0: skip)"
    )
    parser.add_argument(
        "--big-photo", action="store_true", help="also measure a ~1.1 MB photo (sensor noise)"
    )
    parser.add_argument(
        "--s3",
        nargs="?",
        const="",
        default=None,
        help="photos in moto's S3 API server (started here; the path of moto_server optional)",
    )
    parser.add_argument("--fresh", action="store_true", help="wipe the database, reload cases")
    parser.add_argument("--dedup-only", action="store_true", help="skip the HTTP phases")
    parser.add_argument(
        "--rig", nargs="?", const="var/rig", help="measure the running province rig in FOLDER"
    )
    parser.add_argument("--base-port", type=int, default=None, help="the rig's base port")
    args = parser.parse_args()
    if args.rig:
        measure_rig(args)
        return

    CACHE.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        s3 = None
        if args.s3 is not None and not args.dedup_only:
            s3 = stack.enter_context(S3Server(moto_server(args.s3), CACHE / "s3.log"))
            os.environ |= s3.env()  # for the servers started here, and this process's settings
            print(f"photos in an S3 API server (moto) on port {s3.port}")
        measure(args, s3)


def measure(args, s3) -> None:
    os.environ["GRIDBEE_DATA_DIR"] = str(CACHE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridbee.settings")
    import django

    django.setup()
    from django.db import connection

    vendor = connection.vendor
    started = time.monotonic()
    print(f"load average: {loadavg()}, {os.cpu_count()} CPUs", flush=True)
    meta = prepare_database(args.cases, args.fresh)
    print(
        f"database: {vendor}, {meta['stored']:,} synthetic cases "
        f"(loaded in {meta['load_s']:.0f} s on {meta['loaded_on']})",
        flush=True,
    )
    partners = active_partner_mobiles()
    connection.close()  # the server is the only one writing while it runs
    figures: dict = {"database": vendor, "load_average_start": loadavg()}
    if not args.dedup_only:
        figures |= measure_http(args, partners, s3)
    figures |= time_dedup(meta, args.lookups)
    figures |= {
        "cases": meta["stored"],
        "cases_load_s": meta["load_s"],
        "load_average_end": loadavg(),
        "cpus": os.cpu_count(),
        "run_s": round(time.monotonic() - started),
    }
    print(json.dumps(figures))


def measure_http(args, partners: list[str], s3) -> dict:
    shutil.rmtree(CACHE / "media", ignore_errors=True)  # earlier runs' photos
    photos = make_photos()
    for name, data in photos.items():
        print(f"photo {name}: 2048×1536, {len(data) / 1024:.0f} KB", flush=True)
    spots = hot_spots(seed=time.time_ns())
    duration, clients, rate = args.duration, args.clients, args.rate
    figures = {"clients": clients, "photo_kb": round(len(photos["upright"]) / 1024)}

    def load(server, photo: str, seed: int) -> Load:
        return Load(server, tokens, photos[photo], spots, seed=seed)

    def big(server) -> dict:
        return big_photo(server, s3, lambda seed: load(server, "big", seed), args)

    figures["storage"] = "s3 (moto)" if s3 else "files"
    with Server(workers=1) as server:
        tokens = server.log_in(partners[: max(clients, OPEN_LOOP_THREADS)])
        print(f"server: 1 process (gridbee up --no-worker), {len(tokens)} partners logged in")
        load(server, "upright", 1).closed(4, 3)  # warm-up
        run = load(server, "upright", 2).closed(clients, duration)
        run.show(f"throughput, {clients} clients (upright JPEG: metadata cut, pixels kept)")
        figures |= {
            "reports_per_s": run.rate,
            "throughput_p50_ms": run.p(50),
            "throughput_p99_ms": run.p(99),
            "server_cpu_ms_per_report": run.server_cpu_ms,
            "database_cpu_ms_per_report": run.database_cpu_ms,
            "joined_share": run.joined_share,
        }
        run = load(server, "upright", 3).open(rate, duration)
        run.show(f"latency at {rate:g} reports/s (Poisson arrivals)")
        figures |= {"p50_ms": run.p(50), "p99_ms": run.p(99), "max_ms": run.p(100)}
        figures["offered_rate"] = rate
        run = load(server, "rotated", 4).closed(clients, duration)
        run.show(f"throughput, {clients} clients (orientation 6: re-encoded)")
        figures |= {
            "reencode_reports_per_s": run.rate,
            "reencode_server_cpu_ms_per_report": run.server_cpu_ms,
        }
        run = load(server, "rotated", 5).open(rate, duration)
        run.show(f"latency at {rate:g} reports/s, re-encoded photos")
        figures |= {"reencode_p50_ms": run.p(50), "reencode_p99_ms": run.p(99)}
        if args.big_photo:
            figures |= big(server)
        server.check_log()

    if args.workers > 1:
        n = args.workers
        with Server(workers=n) as server:
            print(f"server: gridbee up --workers {n} (with Redis)")
            load(server, "upright", 7).closed(4, 3)  # warm-up
            run = load(server, "upright", 8).closed(clients, duration)
            run.show(f"throughput, {clients} clients, {n} processes")
            figures[f"reports_per_s_{n}_workers"] = run.rate
            figures[f"server_cpu_ms_per_report_{n}_workers"] = run.server_cpu_ms
            figures[f"database_cpu_ms_per_report_{n}_workers"] = run.database_cpu_ms
            run = load(server, "upright", 9).open(rate, duration)
            run.show(f"latency at {rate:g} reports/s, {n} processes")
            figures[f"p50_ms_{n}_workers"] = run.p(50)
            figures[f"p99_ms_{n}_workers"] = run.p(99)
            if args.big_photo:
                figures |= {f"{k}_{n}_workers": v for k, v in big(server).items()}
            server.check_log()
    return figures


def big_photo(server, s3, load, args) -> dict:
    """The ~1.1 MB photo: closed loop, then at --rate. CPU per report: the server's, the S3
    server's, and what the worker then spends on its thumbnail (its task, thumbnails.make(),
    run here on the phase's photos: a worker process would add its periodic tasks' CPU)."""
    first_photo = last_photo_id()
    m0 = s3.cpu_s() if s3 else 0.0
    run = load(6).closed(args.clients, args.duration)
    run.show(f"throughput, {args.clients} clients (1.1 MB upright JPEG)")
    figures = {
        "big_photo_reports_per_s": run.rate,
        "big_photo_p50_ms": run.p(50),
        "big_photo_p99_ms": run.p(99),
        "big_photo_server_cpu_ms_per_report": run.server_cpu_ms,
        "big_photo_database_cpu_ms_per_report": run.database_cpu_ms,
    }
    if s3:
        figures["big_photo_s3_cpu_ms_per_report"] = round(
            1000 * (s3.cpu_s() - m0) / max(run.ok, 1), 1
        )
    figures["big_photo_thumbnail_cpu_ms"] = thumbnail_cpu_ms(first_photo)
    line = f"  thumbnail (the worker's task): {figures['big_photo_thumbnail_cpu_ms']} ms CPU each"
    if s3:
        line += f"; S3 server: {figures['big_photo_s3_cpu_ms_per_report']} ms CPU per report"
    print(line, flush=True)
    run = load(10).open(args.rate, args.duration)
    run.show(f"latency at {args.rate:g} reports/s, 1.1 MB photo")
    figures |= {"big_photo_p50_ms_at_rate": run.p(50), "big_photo_p99_ms_at_rate": run.p(99)}
    return figures


def last_photo_id() -> int:
    from django.db import connection

    from gridbee.cases.models import Photo

    last = Photo.objects.order_by("-pk").values_list("pk", flat=True).first()
    connection.close()
    return last or 0


def thumbnail_cpu_ms(after_photo: int, limit: int = 100) -> float:
    """CPU per thumbnail made here by the worker's own code for photos stored after
    after_photo (this process is otherwise idle: the load's threads have ended)."""
    from django.db import connection

    from gridbee.cases.models import Photo
    from gridbee.reports import thumbnails

    waiting = Photo.objects.filter(pk__gt=after_photo, thumbnail="").order_by("pk")
    ids = list(waiting.values_list("pk", flat=True)[:limit])
    if len(ids) < 2:
        return float("nan")
    thumbnails.make(ids.pop())  # its first S3 and database connections
    started = _own_cpu_s()
    for photo_id in ids:
        thumbnails.make(photo_id)
    spent = _own_cpu_s() - started
    connection.close()
    return round(1000 * spent / max(len(ids), 1), 1)


def measure_rig(args) -> None:
    """Through the rig's HAProxy to its app processes, PgBouncer, PostgreSQL and the S3 server."""
    from gridbee.site.rig import DEFAULT_BASE_PORT, Rig

    rig = Rig(ROOT / args.rig, args.base_port or DEFAULT_BASE_PORT)
    if not all(rig.status().values()):
        sys.exit(f"the rig in {rig.folder} is not running: {rig.status()}")
    os.environ |= rig.env() | {"GRIDBEE_DATABASE_URL": rig.primary_url()}
    os.environ.pop("GRIDBEE_DATABASE_REPLICA_URL")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridbee.settings")
    import django

    django.setup()
    from django.db import connection

    print(f"load average: {loadavg()}, {os.cpu_count()} CPUs", flush=True)
    partners = active_partner_mobiles()
    connection.close()
    photos = make_photos()
    spots = hot_spots(seed=time.time_ns())
    server = RigServer(rig)
    tokens = server.log_in(partners[: max(args.clients, OPEN_LOOP_THREADS)])
    figures: dict = {"rig": rig.url, "apps": rig.apps, "clients": args.clients}
    figures["photo_kb"] = round(len(photos["big"]) / 1024)
    Load(server, tokens, photos["big"], spots, seed=1).closed(4, 3)  # warm-up
    before = server.cpu_by_part()
    run = Load(server, tokens, photos["big"], spots, seed=2).closed(args.clients, args.duration)
    run.show(f"throughput, {args.clients} clients, 1.1 MB photo, through HAProxy")
    after = server.cpu_by_part()
    figures["cpu_ms_per_report_by_part"] = {
        name: round(1000 * (after[name] - before.get(name, 0)) / max(run.ok, 1), 1)
        for name in after
    }
    print(f"  CPU ms per report: {figures['cpu_ms_per_report_by_part']}")
    figures |= {
        "big_photo_reports_per_s": run.rate,
        "big_photo_p50_ms": run.p(50),
        "big_photo_p99_ms": run.p(99),
        "server_cpu_ms_per_report": run.server_cpu_ms,
        "database_cpu_ms_per_report": run.database_cpu_ms,
        "statuses": {str(k): v for k, v in run.statuses.items()},
    }
    run = Load(server, tokens, photos["big"], spots, seed=3).open(args.rate, args.duration)
    run.show(f"latency at {args.rate:g} reports/s, 1.1 MB photo, through HAProxy")
    figures |= {"offered_rate": args.rate, "p50_ms": run.p(50), "p99_ms": run.p(99)}
    figures |= {"max_ms": run.p(100), "load_average_end": loadavg()}
    server.check_log()
    print(json.dumps(figures))


# --- the database ---------------------------------------------------------------------------


def prepare_database(n_cases: int, fresh: bool) -> dict:
    """Migrated, with the demo city and n_cases synthetic cases; wiped first when asked or
    when the stored cases are not the ones asked for. Returns what the cases' load recorded."""
    from django.core.management import call_command

    from gridbee.cases.models import Case

    meta_path = CACHE / f"cases-{database_key()}.json"
    call_command("migrate", verbosity=0)
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else None
    stored = Case.objects.filter(first_report__isnull=True).count()
    # The demo city's own cases count too: compare with what the load left.
    if fresh or meta is None or meta["cases"] != n_cases or stored != meta.get("stored"):
        print(f"wiping the benchmark database ({stored:,} synthetic cases were stored)")
        meta_path.unlink(missing_ok=True)
        wipe()
        _demo_city()
        load_s, now = store_cases(n_cases)
        meta = {"cases": n_cases, "load_s": round(load_s, 1), "now": now.isoformat()}
        meta["loaded_on"] = time.strftime("%Y-%m-%d")
        stored = meta["stored"] = Case.objects.filter(first_report__isnull=True).count()
        meta_path.write_text(json.dumps(meta))
    else:
        _demo_city()
    return meta | {"stored": stored}


def _demo_city() -> None:
    from gridbee.site.demo import create_demo_city

    create_demo_city()


def active_partner_mobiles() -> list[str]:
    from gridbee.people.choices import PartnerStatus
    from gridbee.people.models import Partner

    mobiles = list(
        Partner.objects.filter(status=PartnerStatus.ACTIVE)
        .order_by("pk")
        .values_list("user__mobile", flat=True)
    )
    if not mobiles:
        sys.exit("no active partner in the demo city")
    return mobiles


def store_cases(n: int):
    """n cases of the 22 categories over the demo county, opened over the last 90 days: 60% in
    the county seat's town (normal around the seat, σ 2 km), 40% anywhere in the county; 10%
    open with a report inside their category's window (what intake can join), the rest
    older: mostly closed, some still open. Raw SQL in batches (COPY on PostgreSQL)."""
    import h3
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    from gridbee.cases import dedup
    from gridbee.cases.models import Case, Category
    from gridbee.geo.models import Grid
    from gridbee.geo.routing import grid_codes_at
    from gridbee.people.demo import DEMO_COUNTY

    print(f"storing {n:,} synthetic cases (once; kept for later runs)", flush=True)
    started = time.perf_counter()
    rng = np.random.default_rng(SEED)
    now = timezone.now().replace(microsecond=0)
    lats, lons = case_points(rng, n)
    codes = grid_codes_at(lats, lons)
    grids = dict(Grid.objects.values_list("code", "pk"))
    communities = dict(Grid.objects.values_list("code", "community_id"))
    grid_ids = [grids.get(c) if c else None for c in codes]
    regions = [communities.get(c, DEMO_COUNTY) if c else DEMO_COUNTY for c in codes]
    to_cell = h3.api.basic_int.latlng_to_cell
    cells = [to_cell(la, lo, dedup.RESOLUTION) for la, lo in zip(lats, lons, strict=True)]

    categories = list(Category.objects.filter(active=True).order_by("sort"))
    pick = rng.integers(0, len(categories), n)
    window_s = np.array([c.dedup_window_hours * 3600.0 for c in categories])[pick]
    horizon = 90 * 86400.0
    fresh = rng.random(n) < 0.10
    age_last = np.where(
        fresh,
        rng.uniform(0, 1, n) * window_s,
        window_s + rng.uniform(0, 1, n) * (horizon - window_s),
    )
    age_open = np.minimum(age_last + rng.exponential(86400, n), horizon)
    closed_age = np.maximum(age_last - rng.exponential(2 * 86400, n), 0)
    statuses = np.where(
        fresh,
        rng.choice(["reported", "accepted", "dispatched", "signed"], n, p=[0.4, 0.3, 0.2, 0.1]),
        rng.choice(
            ["closed", "rejected", "merged", "on_hold", "dispatched", "handled"],
            n,
            p=[0.72, 0.05, 0.03, 0.08, 0.07, 0.05],
        ),
    )
    is_closed = np.isin(statuses, ["closed", "rejected", "merged"])
    base = np.datetime64(now.replace(tzinfo=None), "us")

    def stamps(age_s):
        text = np.datetime_as_string(base - (age_s * 1e6).astype("timedelta64[us]"), unit="us")
        return np.char.replace(text, "T", " ").tolist()

    opened, last, closed = stamps(age_open), stamps(age_last), stamps(closed_age)
    urgencies = [c.urgency for c in categories]
    ids = [c.pk for c in categories]
    counts = rng.geometric(0.6, n).tolist()  # reports per case: 1, 2, ...
    tz = "" if connection.vendor == "sqlite" else "+00"
    given = ["category_id", "status", "urgency", "grid_id", "region_id", "county_id", "lat",
             "lon", "h3_cell", "report_count", "opened_at", "last_report_at",
             "closed_at"]  # fmt: skip
    # Every other column (the closed loop's, and whatever comes later) gets its field default.
    others = [f for f in Case._meta.concrete_fields if not f.primary_key and f.column not in given]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in others)
    rows = (
        (
            ids[k], str(statuses[i]), urgencies[k], grid_ids[i], regions[i], DEMO_COUNTY,
            float(lats[i]), float(lons[i]), cells[i], counts[i],
            opened[i] + tz, last[i] + tz, closed[i] + tz if is_closed[i] else None, *defaults,
        )
        for i, k in enumerate(pick.tolist())
    )  # fmt: skip
    names = [*given, *(f.column for f in others)]
    columns = ", ".join(connection.ops.quote_name(c) for c in names)
    batch = 50_000
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with transaction.atomic(), raw.copy(f"COPY cases_case ({columns}) FROM STDIN") as copy:
                for i, row in enumerate(rows, 1):
                    copy.write_row(row)
                    if i % 200_000 == 0:
                        print(f"  {i:,}/{n:,}", flush=True)
            cursor.execute("ANALYZE cases_case")
        else:
            sql = f"INSERT INTO cases_case ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
            done = 0
            while done < n:
                chunk = [next(rows) for _ in range(min(batch, n - done))]
                with transaction.atomic():
                    cursor.executemany(sql, chunk)
                done += len(chunk)
                if done % 200_000 == 0 or done == n:
                    print(f"  {done:,}/{n:,}", flush=True)
    load_s = time.perf_counter() - started
    print(f"  stored in {load_s:.0f} s", flush=True)
    return load_s, now


def case_points(rng, n: int):
    """n points inside the demo county: 60% normal around the seat (σ 2 km), 40% uniform."""
    import numpy as np
    import shapely

    from gridbee.geo.demo_layer import KM_PER_DEG_LAT, KM_PER_DEG_LON, SEAT_LAT, SEAT_LON
    from gridbee.geo.models import Region
    from gridbee.people.demo import DEMO_COUNTY

    county = shapely.from_wkb(bytes(Region.objects.get(code=DEMO_COUNTY).geom))
    shapely.prepare(county)
    west, south, east, north = county.bounds
    lats, lons = np.empty(0), np.empty(0)
    while len(lats) < n:
        m = n - len(lats)
        near = rng.random(m) < 0.6
        la = np.where(
            near, SEAT_LAT + rng.normal(0, 2 / KM_PER_DEG_LAT, m), rng.uniform(south, north, m)
        )
        lo = np.where(
            near, SEAT_LON + rng.normal(0, 2 / KM_PER_DEG_LON, m), rng.uniform(west, east, m)
        )
        inside = shapely.contains_xy(county, lo, la)
        lats, lons = np.concatenate([lats, la[inside]]), np.concatenate([lons, lo[inside]])
    order = rng.permutation(n)  # keep the mixture's proportions after rejection
    return lats[:n][order], lons[:n][order]


# --- the server -----------------------------------------------------------------------------


class Server(BenchServer):
    """`gridbee up --no-worker`, with `--workers N` processes (and Redis, which several
    processes need) when asked."""

    def __init__(self, workers: int = 1):
        env = {}
        if workers > 1:
            # Several processes share live updates and throttling through Redis.
            env["GRIDBEE_REDIS_URL"] = os.environ.get("GRIDBEE_REDIS_URL", REDIS_URL)
            env["GRIDBEE_REDIS_PREFIX"] = os.environ.get(
                "GRIDBEE_REDIS_PREFIX", f"gridbee-bench-{os.getpid()}"
            )
        super().__init__(CACHE / f"server-{workers}.log", workers, env)

    def log_in(self, mobiles: list[str]) -> list[str]:
        from gridbee.people.demo import DEMO_PASSWORD

        tokens = []
        for mobile in mobiles:
            body = json.dumps({"mobile": mobile, "password": DEMO_PASSWORD})
            status, answer = self.request(
                "POST", "/api/auth/token", body, {"Content-Type": "application/json"}
            )
            if status != 200:
                sys.exit(f"log-in of {mobile} failed: {status} {answer[:200]!r}")
            tokens.append(json.loads(answer)["token"])
        return tokens

    def database_cpu_s(self) -> float:
        return _postgres_cpu_s()

    def check_log(self) -> None:
        self.log.flush()
        text = self.log_path.read_text(errors="replace")
        if "Traceback" in text:
            print(f"  warning: the server logged tracebacks; see {self.log_path}")


class RigServer(Server):
    """The running rig seen as a Server (never started or stopped here): its HAProxy's port,
    its processes' CPU and logs."""

    def __init__(self, rig):
        self.rig = rig
        self.port = rig.ports.http
        self.log_sizes = {log: log.stat().st_size for log in rig.logs.glob("app*.log")}

    def database_cpu_s(self) -> float:
        """The rig's own PostgreSQL (primary and replica, their backends), not the machine's."""
        postmasters = {self.rig.postgres_pid(n) for n in ("primary", "replica")} - {None}
        return sum(
            cpu_s(fields)
            for pid, (_, fields) in processes().items()
            if pid in postmasters or int(fields[1]) in postmasters
        )

    def cpu_s(self) -> float:
        """The app processes', the worker's, HAProxy's, PgBouncer's and the S3 server's."""
        return sum(self.cpu_by_part().values())

    def cpu_by_part(self) -> dict[str, float]:
        names = [f"app{i}" for i in range(self.rig.apps)]
        names += ["worker", "haproxy", "bouncer", "s3", "redis"]
        running = processes()
        pids = {name: self.rig.pid(name) for name in names}
        return {n: cpu_s(running[p][1]) for n, p in pids.items() if p in running}

    def check_log(self) -> None:
        for log, size in self.log_sizes.items():
            with open(log, errors="replace") as f:
                f.seek(size)
                new = f.read()
            if "Traceback" in new:
                print(f"  warning: an app process logged tracebacks; see {log}")


# --- the load -------------------------------------------------------------------------------


def make_photos() -> dict[str, bytes]:
    """The phone photos sent: made once by the tests' helper (2048×1536, EXIF with GPS), upright
    and rotated (orientation 6 forces a re-encode); 'big' adds sensor noise so the file has a
    real phone photo's size (~1.1 MB) with the same EXIF."""
    import numpy as np
    from PIL import Image

    from gridbee.reports.tests.images import jpeg

    upright, rotated = jpeg(), jpeg(orientation=6)
    exif = Image.open(io.BytesIO(upright)).getexif()
    rng = np.random.default_rng(SEED)
    y, x = np.mgrid[0:1536, 0:2048]
    pixels = np.stack([x * 255 // 2048, y * 255 // 1536, (x + y) % 256], -1).astype(np.int16)
    pixels += rng.normal(0, 12, pixels.shape).astype(np.int16)
    out = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(
        out, "JPEG", quality=90, exif=exif
    )
    return {"upright": upright, "rotated": rotated, "big": out.getvalue()}


def hot_spots(seed: int) -> list[tuple[float, float, str]]:
    """Places near the county seat with the problem seen there: most reports are of one of
    them (so many join a case), a quarter of some other category. New places on every run, so
    that a run's reports do not all join the open cases an earlier run left behind."""
    from gridbee.geo.demo_layer import KM_PER_DEG_LAT, KM_PER_DEG_LON, SEAT_LAT, SEAT_LON
    from gridbee.reports.default_categories import DEFAULT_CATEGORIES

    rng = random.Random(seed)
    codes = [row[0] for row in DEFAULT_CATEGORIES]
    return [
        (
            SEAT_LAT + rng.gauss(0, 1.2) / KM_PER_DEG_LAT,
            SEAT_LON + rng.gauss(0, 1.2) / KM_PER_DEG_LON,
            rng.choice(codes),
        )
        for _ in range(HOT_SPOTS)
    ]


@dataclass
class Result:
    elapsed: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    joined: int = 0
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    database_cpu_s: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return self.statuses.get(201, 0)

    @property
    def rate(self) -> float:
        return round(self.ok / self.elapsed, 1)

    @property
    def joined_share(self) -> float:
        return round(self.joined / max(self.ok, 1), 2)

    @property
    def server_cpu_ms(self) -> float:
        return round(1000 * self.server_cpu_s / max(self.ok, 1), 1)

    @property
    def database_cpu_ms(self) -> float:
        return round(1000 * self.database_cpu_s / max(self.ok, 1), 1)

    def p(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return round(ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))], 1)

    def show(self, title: str) -> None:
        print(
            f"{title}: {self.ok} reports in {self.elapsed:.1f} s = {self.rate} reports/s; "
            f"p50 {self.p(50)} ms, p90 {self.p(90)} ms, p99 {self.p(99)} ms, "
            f"max {self.p(100)} ms; {self.joined_share:.0%} joined a case; "
            f"server CPU {self.server_cpu_ms} ms/report, client CPU "
            f"{1000 * self.client_cpu_s / max(self.ok, 1):.1f} ms/report"
            + (f", PostgreSQL CPU {self.database_cpu_ms} ms/report" if self.database_cpu_s else ""),
            flush=True,
        )
        if set(self.statuses) != {201}:
            print(f"  answers: {self.statuses}; first errors: {self.errors[:3]}")


class Load:
    """Reports posted by partners' phones: multipart, one photo, a fresh Idempotency-Key."""

    def __init__(self, server: Server, tokens: list[str], photo: bytes, spots, seed: int):
        self.server, self.tokens, self.photo, self.spots = server, tokens, photo, spots
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        from gridbee.reports.default_categories import DEFAULT_CATEGORIES

        self.codes = [row[0] for row in DEFAULT_CATEGORIES]

    def _body(self) -> tuple[bytes, str]:
        with self.lock:
            lat, lon, category = self.rng.choice(self.spots)
            if self.rng.random() < 0.25:
                category = self.rng.choice(self.codes)
            lat += self.rng.uniform(-15, 15) / 111_000
            lon += self.rng.uniform(-15, 15) / 100_000
        boundary = uuid.uuid4().hex
        fields = {"category": category, "lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "accuracy": "8"}
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; '
            f'filename="IMG_0001.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        )
        parts += [self.photo, f"\r\n--{boundary}--\r\n".encode()]
        return b"".join(parts), boundary

    def _post(self, conn, token: str, result: Result, since: float) -> http.client.HTTPConnection:
        body, boundary = self._body()
        headers = {
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": uuid.uuid4().hex,
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        }
        try:
            conn.request("POST", "/api/reports", body=body, headers=headers)
            response = conn.getresponse()
            answer = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            conn, status, answer = self.server.connection(), 0, repr(exc).encode()
        latency = (time.perf_counter() - since) * 1000
        with self.lock:
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status == 201:
                result.latencies_ms.append(latency)
                result.joined += not json.loads(answer)["first_report"]
            elif len(result.errors) < 5:
                result.errors.append(f"{status} {answer[:200]!r}")
        return conn

    def closed(self, clients: int, duration: float) -> Result:
        """Each client posts its next report as soon as the last one is answered."""
        tokens = [self.tokens[i % len(self.tokens)] for i in range(clients)]
        return self._run(duration, [self._closed_client(t) for t in tokens])

    def _closed_client(self, token: str):
        def client(result: Result, start: float, deadline: float) -> None:
            conn = self.server.connection()
            while time.perf_counter() < deadline:
                conn = self._post(conn, token, result, time.perf_counter())
            conn.close()

        return client

    def open(self, rate: float, duration: float) -> Result:
        """Reports arrive at a mean rate whatever the answers (Poisson arrivals), each timed
        from its intended send time, so a slow answer delays no later measurement."""
        arrivals = random.Random(SEED)  # the same schedule in every phase, for comparison
        times, t = [], arrivals.expovariate(rate)
        while t < duration:
            times.append(t)
            t += arrivals.expovariate(rate)
        queue = iter(times)
        take = threading.Lock()
        threads = min(OPEN_LOOP_THREADS, len(self.tokens))

        def worker(token: str):
            def client(result: Result, start: float, deadline: float) -> None:
                conn = self.server.connection()
                while True:
                    with take:
                        due = next(queue, None)
                    if due is None:
                        break
                    time.sleep(max(0.0, start + due - time.perf_counter()))
                    conn = self._post(conn, token, result, start + due)
                conn.close()

            return client

        return self._run(duration, [worker(self.tokens[i]) for i in range(threads)], wait=True)

    def _run(self, duration: float, clients, wait: bool = False) -> Result:
        result = Result(elapsed=duration)
        cpu0, own0, db0 = self.server.cpu_s(), _own_cpu_s(), self.server.database_cpu_s()
        start = time.perf_counter()
        deadline = start + duration
        threads = [threading.Thread(target=c, args=(result, start, deadline)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # Closed loop: answers in flight at the deadline count, over the time they took.
        result.elapsed = duration if wait else time.perf_counter() - start
        result.server_cpu_s = self.server.cpu_s() - cpu0
        result.client_cpu_s = _own_cpu_s() - own0
        result.database_cpu_s = self.server.database_cpu_s() - db0
        return result


def _postgres_cpu_s() -> float:
    """CPU seconds of this machine's PostgreSQL processes (0 without any): on one machine the
    database's work comes out of the same two cores as the server's."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    return sum(cpu_s(fields) for name, fields in processes().values() if name == "postgres")


def _own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- deduplication --------------------------------------------------------------------------


def time_dedup(meta: dict, lookups: int) -> dict:
    """The lookup intake makes, matching_case_id(), at random points among the stored cases, at
    the time they were stored (so a later run finds the same open cases)."""
    import datetime

    import numpy as np
    from django.db import connection

    from gridbee.cases.dedup import candidates, matching_case_id
    from gridbee.cases.models import Category

    now = datetime.datetime.fromisoformat(meta["now"])
    categories = list(Category.objects.filter(active=True).order_by("sort"))
    rng = np.random.default_rng(SEED + 1)
    lats, lons = case_points(rng, lookups + 200)
    picks = rng.integers(0, len(categories), lookups + 200).tolist()
    points = list(zip(picks, lats.tolist(), lons.tolist(), strict=True))

    typical = next(c for c in categories if c.dedup_radius_m == 50)
    widest = max(categories, key=lambda c: c.dedup_radius_m)
    seat = (26.1328, 106.6564)
    for category in (typical, widest):
        sql_plan = candidates(category, *seat, now).explain(
            **({"analyze": True, "buffers": True} if connection.vendor == "postgresql" else {})
        )
        sql_plan = re.sub(r"\{[^{}]{200,}\}", _elided, sql_plan)  # the cells: 19 or 1,141
        print(f"query plan ({category.code}, radius {category.dedup_radius_m} m, at the seat):")
        print("  " + sql_plan.replace("\n", "\n  "))

    for k, lat, lon in points[:200]:  # warm the caches the way a running server has them
        matching_case_id(categories[k], lat, lon, now)
    wall, cpu, by_radius, found = [], [], {}, 0
    for k, lat, lon in points[200:]:
        category = categories[k]
        t0, c0 = time.perf_counter_ns(), time.thread_time_ns()
        case = matching_case_id(category, lat, lon, now)
        wall.append((time.perf_counter_ns() - t0) / 1e6)
        cpu.append((time.thread_time_ns() - c0) / 1e6)  # what the shared machine can't inflate
        by_radius.setdefault(category.dedup_radius_m, []).append((wall[-1], cpu[-1]))
        found += case is not None
    rows = [candidates(categories[k], lat, lon, now).count() for k, lat, lon in points[200:]]
    p50, p99 = np.percentile(wall, [50, 99])
    c50, c99 = np.percentile(cpu, [50, 99])
    print(
        f"dedup: {lookups:,} lookups among {meta['stored']:,} cases: median {p50:.2f} ms, "
        f"p99 {p99:.2f} ms (CPU: median {c50:.2f} ms, p99 {c99:.2f} ms); "
        f"{found / lookups:.0%} found a case; {statistics.mean(rows):.1f} candidate rows on "
        f"average, max {max(rows)}"
    )
    for radius, values in sorted(by_radius.items()):
        w50, w99 = np.percentile([w for w, _ in values], [50, 99])
        q50, q99 = np.percentile([c for _, c in values], [50, 99])
        print(
            f"  radius {radius:>4} m: median {w50:.2f} ms, p99 {w99:.2f} ms "
            f"(CPU {q50:.2f} / {q99:.2f} ms), {len(values)} lookups"
        )
    wide = [c for c, (k, *_) in zip(rows, points[200:], strict=True) if categories[k] == widest]
    return {
        "dedup_ms": round(float(p50), 3),
        "dedup_p99_ms": round(float(p99), 3),
        "dedup_cpu_ms": round(float(c50), 3),
        "dedup_cpu_p99_ms": round(float(c99), 3),
        "dedup_found_share": round(found / lookups, 3),
        "dedup_candidates_mean": round(statistics.mean(rows), 1),
        f"dedup_{widest.dedup_radius_m}m_ms": round(
            float(np.percentile([w for w, _ in by_radius[widest.dedup_radius_m]], 50)), 3
        ),
        f"dedup_{widest.dedup_radius_m}m_candidates_mean": round(statistics.mean(wide or [0]), 1),
    }


def _elided(match: re.Match) -> str:
    return f"{{…{match.group(0).count(',') + 1} values…}}"


if __name__ == "__main__":
    main()
