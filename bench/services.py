#!/usr/bin/env python3
"""Services benchmark: the nearest open stations among 10,000 in a province, through the API's
own function (api/stations.near), and the verification of an on-the-spot check-in (the
activity read, the rotating code's HMAC, the distance allowing for accuracy).

    .venv/bin/python bench/services.py [--stations 10000] [--queries 2000] [--fresh]

Uses GRIDBEE_DATABASE_URL when set (as given: the database is the benchmark's to fill), else
its own SQLite file under bench/.cache/services/ (kept between runs; --fresh reloads it).
The last line printed is one JSON object: stations, nearest_p50_ms, nearest_p99_ms,
check_in_p50_ms, check_in_p99_ms, database, loadavg."""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from _shared import database_key, loadavg, wipe  # noqa: E402

CACHE = ROOT / "bench" / ".cache" / "services"
SEED = 2026
COUNTY = "529999000000"  # a made-up county of its own (99: no real province)
# A province's extent (贵州: about 176,000 km²).
SOUTH, NORTH, WEST, EAST = 24.6, 29.2, 103.6, 109.5
SERVICES = ["water", "seats", "phone_charging", "ebike_charging", "hot_food", "toilet",
            "medicine", "rain_gear", "wifi", "climate", "ev_charging"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--fresh", action="store_true", help="wipe the database, reload")
    args = parser.parse_args()

    CACHE.mkdir(parents=True, exist_ok=True)
    os.environ["GRIDBEE_DATA_DIR"] = str(CACHE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridbee.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    stations = load(args.stations, args.fresh)
    rng = random.Random(SEED)
    positions = [(rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)) for _ in range(args.queries)]

    from gridbee.services.api.stations import near

    near(*positions[0], service="toilet")  # warm up: connection, hour spans
    nearest_ms = []
    for n, (lat, lon) in enumerate(positions):
        service = SERVICES[n % len(SERVICES)] if n % 2 else ""
        t0 = time.perf_counter()
        found = near(lat, lon, service=service, limit=5)
        nearest_ms.append((time.perf_counter() - t0) * 1000)
        assert found, "a province of stations always has some open nearby"
    print(f"nearest: p50 {pct(nearest_ms, 50):.2f} ms, p99 {pct(nearest_ms, 99):.2f} ms")

    check_ms = check_in(args.queries)
    print(f"check-in verification: p50 {pct(check_ms, 50):.3f} ms, p99 {pct(check_ms, 99):.3f} ms")
    print(json.dumps({
        "stations": stations,
        "nearest_p50_ms": round(pct(nearest_ms, 50), 3),
        "nearest_p99_ms": round(pct(nearest_ms, 99), 3),
        "check_in_p50_ms": round(pct(check_ms, 50), 3),
        "check_in_p99_ms": round(pct(check_ms, 99), 3),
        "database": database_key(),
        "loadavg": loadavg(),
    }))  # fmt: skip


def pct(values, p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def load(count: int, fresh: bool) -> int:
    from gridbee.geo.models import Region
    from gridbee.services.models import ServicePoint
    from gridbee.services.nearest import services_mask

    have = ServicePoint.objects.filter(county_id=COUNTY).count()
    if have == count and not fresh:
        print(f"{have} stations already stored")
        return have
    wipe()
    Region.objects.create(code=COUNTY, name="基准县", level=3)
    rng = random.Random(SEED)
    t0 = time.perf_counter()
    points = []
    for n in range(count):
        all_day = n % 6 == 0
        opening = f"{rng.randint(6, 9):02d}:00-{rng.randint(18, 23):02d}:00"
        services = sorted(rng.sample(SERVICES, rng.randint(2, 7)), key=SERVICES.index)
        points.append(ServicePoint(
            county_id=COUNTY, code=f"B{n:06d}", name=f"驿站{n}", kind="warm_home",
            services=services, services_mask=services_mask(services),
            hours={str(d): opening for d in range(1, 8)}, open_24h=all_day,
            lat=rng.uniform(SOUTH, NORTH), lon=rng.uniform(WEST, EAST),
        ))  # fmt: skip
    ServicePoint.objects.bulk_create(points, batch_size=2000)
    print(f"stored {count} stations in {time.perf_counter() - t0:.1f} s")
    return count


def check_in(queries: int) -> list[float]:
    """The verification a partner's check-in runs before it writes: the activity read by id,
    the code checked, the position against the radius."""
    from django.utils import timezone

    from gridbee.people.models import User
    from gridbee.services import codes
    from gridbee.services.actions_activities import verify_code
    from gridbee.services.models import Activity

    organiser, _ = User.objects.get_or_create(mobile="13899999999", defaults={"name": "基准"})
    now = timezone.now()
    activity = Activity.objects.create(
        county_id=COUNTY, kind="riding_day", title="基准活动", lat=26.5, lon=106.7,
        radius_m=200, starts_at=now, ends_at=now + datetime.timedelta(hours=2), capacity=10,
        signup_opens_at=now - datetime.timedelta(days=1), signup_closes_at=now,
        organiser=organiser,
    )  # fmt: skip
    code = codes.code_for(activity)
    times = []
    for n in range(queries):
        t0 = time.perf_counter()
        found = Activity.objects.get(pk=activity.pk)
        verify_code(found, code, 26.5 + (n % 10) * 1e-5, 106.7, 15)
        times.append((time.perf_counter() - t0) * 1000)
    activity.delete()
    return times


if __name__ == "__main__":
    main()
