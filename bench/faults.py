#!/usr/bin/env python3
"""Fault harness: report submissions from simulated phones through the province rig's HAProxy
while, in turn, an app process is SIGKILLed and restarted, the PostgreSQL primary restarted,
Redis restarted, the worker SIGKILLed and restarted, and an app process drained for a rolling
restart. Each phone sends its reports one after another and retries a report with the same
Idempotency-Key on any error or timeout, as the mobile app does.

    gridbee rig up --demo            # once (python -m gridbee.cli rig up --demo)
    .venv/bin/python bench/faults.py [--rig FOLDER] [--submissions 1000] [--phones 20]

Printed last, one JSON line: submissions, acknowledged, stored, lost (acknowledged but not
stored: must be 0), doubled (a key stored twice, or a report with more photos than sent: must
be 0), phone_errors (failed requests the phones saw and retried), recovery_s (per fault: from
the fault until the rig is whole and healthy again), live_clients_caught_up (of live_clients:
staff live queues open through HAProxy the whole run, cut after each fault and reconnecting
with Last-Event-ID, that got every event published on their topics once, in order, with no
reset; live_missed per client), outbox_exactly_once (an operator accepts each new case
during the faults; each accept tells each reporter once: one outbox row each, none missing,
none doubled, nothing pending). Only talks to 127.0.0.1."""

import argparse
import io
import json
import os
import random
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from faults_live import (  # noqa: E402
    Accepter,
    LiveClient,
    Recorder,
    caught_up,
    log_in,
    outbox_check,
    request,
    session_cookie,
)

from gridbee.site.rig import DEFAULT_BASE_PORT, Rig  # noqa: E402

GIVE_UP_S = 600  # the whole run stops by itself after this long
FAULT_GAP_S = 4  # load between two faults
CENTRE = (26.1328, 106.6564)  # the demo county's seat
# Staff of the demo city whose live queue hears the run's cases: operator, reviewer, admin.
LIVE_STAFF = ("13800000004", "13800000006", "13800000007")
STREAMS_EACH = 2  # live pages per staff member (each account may keep 6 open)
OPERATOR = "13800000004"  # accepts (受理) the run's cases: each accept tells the reporters
PASSWORD = "gridbee2026"  # the demo city's


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rig", default="var/rig", help="the running rig's folder")
    parser.add_argument("--base-port", type=int, default=DEFAULT_BASE_PORT)
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--phones", type=int, default=20)
    parser.add_argument("--pace", type=float, default=0.8, help="seconds between a phone's reports")
    args = parser.parse_args()

    rig = Rig(ROOT / args.rig, args.base_port)
    if not all(rig.status().values()) or (rig.health() or {}).get("status") != "ok":
        sys.exit(f"the rig in {rig.folder} is not up and healthy: run `gridbee rig up --demo`")
    os.environ |= rig.env() | {"GRIDBEE_DATABASE_URL": rig.primary_url()}
    os.environ.pop("GRIDBEE_DATABASE_REPLICA_URL")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridbee.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    started_at = timezone.now()
    run = uuid.uuid4().hex[:8]
    mobiles = partner_mobiles(args.phones)
    port = rig.ports.http
    clients, topics = [], {}
    for user, heard in live_staff():
        for n in range(STREAMS_EACH):
            client = LiveClient(port, session_cookie(user), f"{user.mobile}-{n}")
            clients.append(client)
            topics[client.name] = heard
    recorder = Recorder(
        rig.ports.redis, settings.REDIS_PREFIX, sorted(set().union(*topics.values()))
    )
    accepter = Accepter(port, log_in(port, OPERATOR, PASSWORD))
    connection.close()
    photo = small_photo()
    phones = [Phone(rig, mobile, i, run, photo, accepter.offer) for i, mobile in enumerate(mobiles)]
    share = [args.submissions // len(phones)] * len(phones)
    for i in range(args.submissions % len(phones)):
        share[i] += 1

    stop, live_stop, sent = threading.Event(), threading.Event(), threading.Event()
    background = [threading.Thread(target=recorder.run, args=(live_stop,), daemon=True)]
    background += [threading.Thread(target=c.run, args=(live_stop,), daemon=True) for c in clients]
    for thread in background:
        thread.start()
    opened = time.monotonic()
    while not all(c.first for c in clients):  # every page open before the load starts
        if time.monotonic() - opened > 60:
            sys.exit("the live pages did not open: see the app's log")
        time.sleep(0.1)
    accepting = threading.Thread(target=accepter.run, args=(stop, sent), daemon=True)
    accepting.start()
    threads = [
        threading.Thread(target=p.send_all, args=(n, args.pace, stop), daemon=True)
        for p, n in zip(phones, share, strict=True)
    ]
    t0 = time.monotonic()
    for thread in threads:
        thread.start()

    def cut_streams():  # and on top of what a fault cuts by itself, every page's stream
        for client in clients:
            client.cut()

    recovery = inject_faults(rig, lambda m: print(m, flush=True), after_each=cut_streams)
    for thread in threads:
        thread.join(timeout=max(1.0, GIVE_UP_S - (time.monotonic() - t0)))
    sent.set()
    accepting.join(timeout=max(1.0, GIVE_UP_S - (time.monotonic() - t0)))
    stop.set()
    load_s = time.monotonic() - t0
    time.sleep(3)  # effects applied on commit; the worker's tasks
    wait_for_pages(clients, topics, recorder)
    live_stop.set()
    cut_streams()
    live = caught_up(clients, topics, recorder)

    acknowledged = {key: rid for p in phones for key, rid in p.acknowledged.items()}
    stored = count_stored(run, acknowledged)
    outbox = outbox_check(accepter.accepted | accepter.already, started_at)
    figures = {
        "submissions": args.submissions,
        "acknowledged": len(acknowledged),
        **stored,
        "phone_errors": sum(p.errors for p in phones),
        "refused": sum(p.refused for p in phones),
        "recovery_s": recovery,
        "live_clients": len(clients),
        "live_clients_caught_up": sum(c["caught_up"] for c in live),
        "live_missed": [c["missed"] for c in live],
        "live_repeated": sum(c["repeated"] for c in live),
        "live_resets": sum(c["resets"] for c in live),
        "live_reconnects": sum(c["connects"] - 1 for c in live),
        "live_events_published": len(recorder.all()),
        "live_events_of_the_run": stored["stored"] + outbox["accepted_cases"],
        "outbox_exactly_once": outbox["outbox_missing"] == 0
        and outbox["outbox_doubled"] == 0
        and outbox["effects_pending"] == 0
        and outbox["accept_steps_doubled"] == 0,
        **outbox,
        "accept_errors": accepter.errors,
        "phones": len(phones),
        "load_s": round(load_s, 1),
        "reports_per_s": round(len(acknowledged) / load_s, 1),
    }
    print(json.dumps(figures))


class Phone:
    """One partner's phone: its reports one after another, each retried with its key."""

    def __init__(self, rig: Rig, mobile: str, number: int, run: str, photo: bytes, on_case):
        self.rig, self.number, self.run, self.photo = rig, number, run, photo
        self.on_case = on_case  # told the case of each acknowledged report
        self.rng = random.Random(f"{run}-{number}")
        self.acknowledged: dict[str, int] = {}
        self.errors = 0
        self.refused = 0
        self.token = log_in(rig.ports.http, mobile, PASSWORD)

    def send_all(self, count: int, pace: float, stop: threading.Event) -> None:
        for n in range(count):
            if stop.is_set():
                return
            self.send(f"faults-{self.run}-{self.number}-{n}", stop)
            time.sleep(pace * self.rng.uniform(0.5, 1.5))

    def send(self, key: str, stop: threading.Event) -> None:
        body, boundary = self._body()  # the same body on every retry of this key
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Idempotency-Key": key,
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        }
        wait = 0.25
        while not stop.is_set():
            status, answer = request(self.rig.ports.http, "POST", "/api/reports", body, headers)
            if status in (200, 201):
                answer = json.loads(answer)
                self.acknowledged[key] = answer["report_id"]
                self.on_case(answer["case"]["id"])
                return
            if 400 <= status < 500 and status not in (408, 429):
                self.refused += 1  # a refusal is final: retrying cannot help (a defect)
                print(f"  refused {key}: {status} {answer[:200]!r}", flush=True)
                return
            self.errors += 1
            time.sleep(wait * self.rng.uniform(0.5, 1.5))
            wait = min(wait * 2, 3.0)

    def _body(self) -> tuple[bytes, str]:
        lat = CENTRE[0] + self.rng.uniform(-0.01, 0.01)
        lon = CENTRE[1] + self.rng.uniform(-0.01, 0.01)
        category = self.rng.choice(["overflowing_bins", "exposed_garbage", "illegal_ads"])
        boundary = uuid.uuid4().hex
        fields = {"category": category, "lat": f"{lat:.6f}", "lon": f"{lon:.6f}"}
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        parts += [
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; '
            f'filename="IMG.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode(),
            self.photo,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
        return b"".join(parts), boundary


def inject_faults(rig: Rig, print_progress, after_each) -> dict[str, float]:
    """Each fault in turn, under load; its recovery: until every part runs again and HAProxy's
    app answers healthy (database, Redis and the worker's beat). after_each() once it is."""

    def kill_app():
        rig.kill("app0")
        rig.start_app(0)

    def restart_redis():
        rig.stop("redis")
        rig.start_redis()

    def kill_worker():
        rig.kill("worker")
        rig.start_worker()
        # The health check trusts a beat for 35 s: recovered is when the new worker has beaten.
        import redis
        from django.conf import settings

        key = f"{settings.HUEY['name']}:worker-heartbeat"  # as core/heartbeat.py names it
        beats = redis.Redis(port=rig.ports.redis)
        deadline = time.monotonic() + 60
        while beats.get(key) != str(rig.pid("worker")).encode():
            if time.monotonic() > deadline:
                sys.exit("the restarted worker never beat")
            time.sleep(0.1)

    faults = {
        "app_sigkill": kill_app,
        "postgres_primary_restart": lambda: rig.restart_postgres("primary"),
        "redis_restart": restart_redis,
        "worker_sigkill": kill_worker,
        "app_rolling_restart": lambda: rig.drain_and_restart_app(1 % rig.apps),
    }
    recovery = {}
    for name, fault in faults.items():
        time.sleep(FAULT_GAP_S)
        t0 = time.monotonic()
        fault()
        rig.wait_healthy(120)
        while not all(rig.status().values()):
            time.sleep(0.1)
        recovery[name] = round(time.monotonic() - t0, 2)
        print_progress(f"{name}: whole and healthy again after {recovery[name]} s")
        after_each()
    return recovery


def count_stored(run: str, acknowledged: dict[str, int]) -> dict:
    from django.db.models import Count

    from gridbee.cases.models import CaseEvent, Report

    reports = Report.objects.filter(idempotency_key__startswith=f"faults-{run}-")
    stored = dict(reports.values_list("idempotency_key", "pk"))
    rows = reports.count()
    extra_photos = reports.annotate(n=Count("photos")).filter(n__gt=1).count()
    lost = sum(1 for key, rid in acknowledged.items() if stored.get(key) != rid)
    cases = reports.values("case_id")
    pending = CaseEvent.objects.filter(case_id__in=cases, effects_pending=True).count()
    return {
        "stored": len(stored),
        "lost": lost,
        "doubled": (rows - len(stored)) + extra_photos,
        "steps_pending": pending,
    }


def live_staff() -> list[tuple[object, list[str]]]:
    """The staff whose live queues the run's cases reach, with the topics each hears."""
    from gridbee.cases.views.streams import queue_topics
    from gridbee.people.models import User

    staff = [User.objects.get(mobile=m) for m in LIVE_STAFF]
    return [(user, sorted(queue_topics(user))) for user in staff]


def wait_for_pages(clients, topics, recorder, timeout: float = 30) -> None:
    """Until every page has the newest event of its topics (or timeout seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        behind = [
            c
            for c in clients
            if (recorder.expected(topics[c.name], c.first) or [c.last])[-1] != c.last
        ]
        if not behind:
            return
        time.sleep(0.2)


def partner_mobiles(n: int) -> list[str]:
    from gridbee.people.choices import PartnerStatus
    from gridbee.people.models import Partner

    mobiles = list(
        Partner.objects.filter(status=PartnerStatus.ACTIVE)
        .order_by("pk")
        .values_list("user__mobile", flat=True)[:n]
    )
    if len(mobiles) < n:
        sys.exit(f"only {len(mobiles)} active partners for {n} phones (the demo city has ~60)")
    return mobiles


def small_photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1024, 768), (90, 120, 60)).save(out, "JPEG", quality=85)
    return out.getvalue()


if __name__ == "__main__":
    main()
