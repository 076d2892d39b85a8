#!/usr/bin/env python3
"""Urgent-alert benchmark: who is near (targeting among a province's partners), then delivery
of an alert and of its all-clear to partners with a live page open.

    .venv/bin/python bench/alerts.py [--partners 540000] [--lookups 300] [--clients 2000]
                                     [--workers 2] [--fresh] [--targeting-only]

1. Targeting: --partners synthetic partners with positions spread over a province the size
   of Guizhou (most around 40 towns, the rest anywhere), stored once (kept between runs). Then
   --lookups alerts at random places where partners are, with a radius of one of the default
   stages (2, 5, 10 km), each timed through the function publishing uses (actions._targets:
   one indexed query on positions, plus the grids bound near).
2. Delivery: the real server (`gridbee up --no-worker --workers N`, with Redis), --clients
   partners placed within 1.5 km of the county seat, each with a live page open (a Server-Sent
   Events stream of their own, /live/mine/, as the banner opens). The operator publishes an
   alert at the seat through the API; the time from sending that request to each client's
   event is the delivery latency. Then the operator closes the alert: the all-clear latency.

Uses GRIDBEE_DATABASE_URL when set (as given: the database is the benchmark's to fill), else
a SQLite file under bench/.cache/alerts/, and Redis at GRIDBEE_REDIS_URL (default
redis://127.0.0.1:6379/15). Only talks to 127.0.0.1. The last line printed is one JSON object."""

import argparse
import asyncio
import hashlib
import io
import json
import os
import random
import resource
import secrets
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from _shared import Server, loadavg, wipe  # noqa: E402

CACHE = ROOT / "bench" / ".cache" / "alerts"
HOST = "127.0.0.1"
SEED = 2026
MOBILE_BASE = 17_000_000_000  # synthetic partners' mobiles: 17xxxxxxxxx
# A province like Guizhou: ~176,000 km².
SOUTH, NORTH, WEST, EAST = 24.6, 29.2, 103.6, 109.6
TOWNS = 40
CLUSTERED = 0.7  # the share of partners working around towns (σ = 4 km)
BATCH = 20_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=540_000)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--clients", type=int, default=2000, help="live pages open (SSE)")
    parser.add_argument("--workers", type=int, default=2, help="app processes")
    parser.add_argument("--fresh", action="store_true", help="wipe the database, reload")
    parser.add_argument("--targeting-only", action="store_true", help="skip delivery")
    args = parser.parse_args()

    CACHE.mkdir(parents=True, exist_ok=True)
    os.environ["GRIDBEE_DATA_DIR"] = str(CACHE)
    os.environ.setdefault("GRIDBEE_REDIS_URL", "redis://127.0.0.1:6379/15")
    os.environ.setdefault("GRIDBEE_REDIS_PREFIX", f"gridbee-bench-alerts-{os.getpid()}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridbee.settings")
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # thousands of sockets
    import django

    django.setup()
    from django.db import connection

    started = time.monotonic()
    print(f"load average: {loadavg()}, {os.cpu_count()} CPUs", flush=True)
    load_s = prepare(args.partners, args.fresh)
    figures: dict = {"database": connection.vendor, "load_average_start": loadavg()}
    figures |= time_targeting(args.lookups)
    if args.targeting_only:
        figures |= {"clients": 0, "delivered_share": None, "delivery_p95_s": None,
                    "all_clear_p95_s": None}  # fmt: skip
    else:
        figures |= measure_delivery(args.clients, args.workers)
    figures |= {
        "partners_load_s": load_s,
        "load_average_end": loadavg(),
        "cpus": os.cpu_count(),
        "run_s": round(time.monotonic() - started),
    }
    print(json.dumps(figures))


# -- the database ---------------------------------------------------------------------------


def prepare(partners: int, fresh: bool) -> float | None:
    """The demo county, and `partners` synthetic partners with positions. Returns the seconds
    the partners took to store (None when they were there already)."""
    from django.core.management import call_command

    from gridbee.alerts.models import PartnerPosition
    from gridbee.geo.models import Region
    from gridbee.site.demo import create_demo_city

    call_command("migrate", verbosity=0)
    if fresh or not Region.objects.exists():
        wipe()
        print("creating the demo county…", flush=True)
        create_demo_city()
    have = PartnerPosition.objects.filter(partner__user__mobile__startswith="17").count()
    if have >= partners:
        print(f"{have:,} synthetic partners with positions (stored before)", flush=True)
        return None
    started = time.monotonic()
    store_partners(have, partners)
    took = round(time.monotonic() - started, 1)
    print(f"stored {partners - have:,} synthetic partners in {took} s", flush=True)
    return took


def towns(rng: random.Random) -> list[tuple[float, float]]:
    return [(rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)) for _ in range(TOWNS)]


def place(rng: random.Random, centres) -> tuple[float, float]:
    if rng.random() < CLUSTERED:
        lat, lon = rng.choice(centres)
        return lat + rng.gauss(0, 0.036), lon + rng.gauss(0, 0.04)
    return rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)


def store_partners(start: int, end: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from gridbee.alerts import positions
    from gridbee.alerts.models import PartnerPosition
    from gridbee.people.models import Partner, Station, User

    station = Station.objects.order_by("pk").first()
    county_id, industry_id = station.county_id, Partner.objects.first().industry_id
    rng = random.Random(SEED + start)
    centres = towns(random.Random(SEED))
    now = timezone.now()
    for low in range(start, end, BATCH):
        high = min(end, low + BATCH)
        mobiles = [str(MOBILE_BASE + n) for n in range(low, high)]
        with transaction.atomic():
            User.objects.bulk_create(
                [User(mobile=m, name=f"骑手{m[-6:]}", password="!") for m in mobiles]
            )
            users = dict(User.objects.filter(mobile__in=mobiles).values_list("mobile", "pk"))
            Partner.objects.bulk_create(
                [
                    Partner(
                        user_id=users[m],
                        name=f"骑手{m[-6:]}",
                        id_number="",
                        industry_id=industry_id,
                        station_id=station.pk,
                        county_id=county_id,
                    )
                    for m in mobiles
                ]
            )
            partner_ids = Partner.objects.filter(user_id__in=users.values()).values_list(
                "pk", "user_id"
            )
            rows = []
            for pk, user_id in partner_ids:
                lat, lon = place(rng, centres)
                rows.append(
                    PartnerPosition(
                        partner_id=pk,
                        user_id=user_id,
                        lat=lat,
                        lon=lon,
                        source="app",
                        at=now,
                        h3_cell=positions.cell_of(lat, lon),
                    )
                )
            PartnerPosition.objects.bulk_create(rows)
        print(f"  {high:,} / {end:,}", flush=True)
    analyze()


def analyze() -> None:
    """Fresh planner statistics after a bulk load, as autovacuum would make them in time."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("alerts_partnerposition", "people_partner", "people_user"):
            cursor.execute(f"ANALYZE {table}")


# -- targeting ------------------------------------------------------------------------------


def time_targeting(lookups: int) -> dict:
    from django.db import connection

    from gridbee.alerts import actions
    from gridbee.alerts.models import DEFAULT_STAGES, Alert, PartnerPosition

    partners = PartnerPosition.objects.count()
    rng = random.Random(SEED + 1)
    centres = towns(random.Random(SEED))
    county = PartnerPosition.objects.values_list("partner__county_id", flat=True).first()
    radii = [r for _m, r in DEFAULT_STAGES if r is not None]
    for _ in range(5):  # warm the connection and the caches
        actions._targets(Alert(lat=centres[0][0], lon=centres[0][1], county_id=county), 2000)
    times, told = [], []
    for _ in range(lookups):
        lat, lon = place(rng, centres)
        radius = rng.choice(radii)
        alert = Alert(lat=lat, lon=lon, county_id=county)
        started = time.perf_counter()
        found = actions._targets(alert, radius)
        times.append((time.perf_counter() - started) * 1000)
        told.append(len(found))
    times.sort()
    p50, p99 = pct(times, 50), pct(times, 99)
    print(
        f"targeting among {partners:,} positions ({connection.vendor}): p50 {p50:.1f} ms, "
        f"p99 {p99:.1f} ms; partners found per alert: median {statistics.median(told):.0f}, "
        f"max {max(told)}",
        flush=True,
    )
    return {
        "partners": partners,
        "targeting_p50_ms": round(p50, 1),
        "targeting_p99_ms": round(p99, 1),
        "targeting_found_median": statistics.median(told),
        "targeting_found_max": max(told),
    }


def pct(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


# -- delivery -------------------------------------------------------------------------------


def measure_delivery(clients: int, workers: int) -> dict:
    from django.db import connection

    cookies = place_clients(clients)
    token = operator_token()
    connection.close()
    env = {"GRIDBEE_LIVE_STREAMS_PER_USER": "6"}
    with Server(CACHE / "server.log", workers, env) as server:
        print(f"server: {workers} processes with Redis, opening {clients} live pages…", flush=True)
        result = asyncio.run(run_clients(server, cookies, token))
    result["clients"] = clients
    return result


def place_clients(clients: int) -> list[str]:
    """`clients` synthetic partners moved within 1.5 km of the county seat, each with a
    session of its own (as a logged-in browser has). Returns the session keys."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from gridbee.alerts import positions
    from gridbee.alerts.models import PartnerPosition
    from gridbee.geo.maps import MAP_CENTER
    from gridbee.people.models import User

    rng = random.Random(SEED + 2)
    users = list(User.objects.filter(mobile__startswith="17").order_by("mobile")[:clients])
    rows = PartnerPosition.objects.filter(partner__user__in=users)
    by_user = {p.partner.user_id: p for p in rows.select_related("partner")}
    moved = []
    for user in users:
        lat = MAP_CENTER["lat"] + rng.uniform(-0.009, 0.009)
        lon = MAP_CENTER["lon"] + rng.uniform(-0.009, 0.009)
        position = by_user[user.pk]
        position.lat, position.lon, position.h3_cell = lat, lon, positions.cell_of(lat, lon)
        moved.append(position)
    PartnerPosition.objects.bulk_update(moved, ["lat", "lon", "h3_cell"], batch_size=1000)
    keys = []
    backend = settings.AUTHENTICATION_BACKENDS[-1]
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def operator_token() -> str:
    """A bearer token for the demo operator, made directly (no password hashing)."""
    import datetime

    from django.utils import timezone

    from gridbee.people.models import ApiToken, User

    operator = User.objects.get(mobile="13800000004")
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=operator,
        digest=hashlib.sha256(token.encode()).hexdigest(),
        expires_at=timezone.now() + datetime.timedelta(hours=2),
        auth_hash=operator.get_session_auth_hash(),
    )
    return token


async def run_clients(server, cookies: list[str], token: str) -> dict:
    from django.conf import settings

    received: dict[str, dict[int, float]] = {"alert": {}, "alert_closed": {}}
    ready = asyncio.Semaphore(0)
    tasks = []
    for n, key in enumerate(cookies):
        tasks.append(asyncio.create_task(client(server.port, settings.SESSION_COOKIE_NAME, key,
                                                n, received, ready)))  # fmt: skip
        if n % 100 == 99:
            await asyncio.sleep(0.2)  # a ramp, as pages open over time
    opened = 0
    deadline = time.monotonic() + 180
    while opened < len(cookies) and time.monotonic() < deadline:
        try:
            await asyncio.wait_for(ready.acquire(), timeout=max(0.1, deadline - time.monotonic()))
            opened += 1
        except TimeoutError:
            break
    print(f"{opened} live pages subscribed", flush=True)
    await asyncio.sleep(1)

    photo = demo_photo()
    started = time.monotonic()
    status, answer = await asyncio.to_thread(publish, server, token, photo)
    if status != 201:
        sys.exit(f"publish answered {status}: {answer[:300]!r}")
    alert_id = json.loads(answer)["id"]
    await wait_for(received["alert"], len(cookies), 30)
    delivered = sorted(t - started for t in received["alert"].values())
    print(
        f"published alert #{alert_id}: {len(delivered)} of {len(cookies)} pages got it; "
        f"p50 {pct(delivered, 50):.2f} s, p95 {pct(delivered, 95):.2f} s",
        flush=True,
    )

    started = time.monotonic()
    status, answer = await asyncio.to_thread(close, server, token, alert_id)
    if status != 200:
        sys.exit(f"close answered {status}: {answer[:300]!r}")
    await wait_for(received["alert_closed"], len(cookies), 30)
    cleared = sorted(t - started for t in received["alert_closed"].values())
    print(f"all-clear: {len(cleared)} pages; p50 {pct(cleared, 50):.2f} s, "
          f"p95 {pct(cleared, 95):.2f} s", flush=True)  # fmt: skip
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "clients_subscribed": opened,
        "delivered_share": round(len(delivered) / len(cookies), 4),
        "delivery_p50_s": round(pct(delivered, 50), 3),
        "delivery_p95_s": round(pct(delivered, 95), 3),
        "all_clear_share": round(len(cleared) / len(cookies), 4),
        "all_clear_p95_s": round(pct(cleared, 95), 3),
    }


async def wait_for(got: dict, expected: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(got) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.02)


async def client(port, cookie_name, key, n, received, ready) -> None:
    """One live page: GET /live/mine/ with the session's cookie, read events as they come."""
    reader, writer = await asyncio.open_connection(HOST, port, limit=2**20)
    writer.write(
        f"GET /live/mine/ HTTP/1.1\r\nHost: {HOST}\r\nAccept: text/event-stream\r\n"
        f"Cookie: {cookie_name}={key}\r\n\r\n".encode()
    )
    await writer.drain()
    told = False
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b": subscribed") and not told:
                told = True
                ready.release()
            elif line.startswith(b"data: "):
                try:
                    event = json.loads(line[6:])
                except ValueError:
                    continue
                kind = event.get("type")
                if kind in received and n not in received[kind]:
                    received[kind][n] = time.monotonic()
    finally:
        writer.close()


def demo_photo() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (640, 480), (120, 150, 200))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def publish(server, token: str, photo: bytes) -> tuple[int, bytes]:
    import datetime

    from gridbee.geo.maps import MAP_CENTER

    now = datetime.datetime.now(datetime.UTC)
    fields = {
        "kind": "missing_child",
        "person_name": "测试",
        "description": "基准测试: 男孩, 6岁",
        "lat": str(MAP_CENTER["lat"]),
        "lon": str(MAP_CENTER["lon"]),
        "last_seen_at": now.isoformat(),
        "expires_at": (now + datetime.timedelta(hours=2)).isoformat(),
    }
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                   f"{value}\r\n".encode())  # fmt: skip
    body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; '
               f'filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode())  # fmt: skip
    body.write(photo + f"\r\n--{boundary}--\r\n".encode())
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    return server.request("POST", "/api/alerts", body.getvalue(), headers)


def close(server, token: str, alert_id: int) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = json.dumps({"outcome": "found", "note": "benchmark"})
    return server.request("POST", f"/api/alerts/{alert_id}/close", body, headers)


if __name__ == "__main__":
    main()
