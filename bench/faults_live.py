"""What bench/faults.py checks beyond the reports: live pages catching up by Last-Event-ID, and
outbound messages (the outbox) delivered exactly once.

- LiveClient: a staff page's live queue (Server-Sent Events through HAProxy), reconnecting
  with Last-Event-ID whenever its stream drops or is cut, as a browser's EventSource does.
- Recorder: what was published, read from the topics' Redis streams themselves (XREAD from the
  run's start, across the Redis restart): what each client should have seen.
- Accepter: an operator accepting (受理) each new case through the API, retrying on errors;
  each accept tells the reporters, one outbox row per reporter (cases/effects.py)."""

import contextlib
import http.client
import json
import queue
import socket
import sys
import threading
import time

TIMEOUT_S = 15  # a phone (or the operator) gives a request this long, then retries it


class LiveClient:
    def __init__(self, port: int, cookie: str, name: str):
        self.port, self.cookie, self.name = port, cookie, name
        self.first: str | None = None  # the id its first stream started at
        self.last: str | None = None  # the Last-Event-ID it sends on reconnecting
        self.seen: list[str] = []  # ids of the events it got, in order
        self.resets = self.connects = self.refused = 0
        self._conn = None

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            headers = {"Cookie": self.cookie, "Accept": "text/event-stream"}
            if self.last:
                headers["Last-Event-ID"] = self.last
            conn = self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=40)
            try:
                conn.request("GET", "/live/queue/", headers=headers)
                response = conn.getresponse()
                if response.status != 200:
                    self.refused += 1
                    if self.refused == 1:
                        print(f"  live {self.name}: {response.status}", flush=True)
                    response.read()
                    time.sleep(1)
                    continue
                self.connects += 1
                self._read(response, stop)
            except (OSError, http.client.HTTPException, ValueError):
                pass
            finally:
                conn.close()
            if not stop.is_set():
                time.sleep(0.3)

    def _read(self, response, stop) -> None:
        fields: dict[str, str] = {}
        while not stop.is_set():
            line = response.readline()
            if not line:
                return
            line = line.decode().rstrip("\r\n")
            if not line:
                self._dispatch(fields)
                fields = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(":")
                fields[name] = value.removeprefix(" ")

    def _dispatch(self, fields: dict) -> None:
        if "id" in fields:
            self.last = fields["id"]
        kind = fields.get("event", "message")
        if kind == "ready":
            self.first = self.first or fields["id"]
        elif kind == "reset":
            self.resets += 1
        elif kind == "message" and "data" in fields:
            self.seen.append(fields["id"])

    def cut(self) -> None:
        """Drop the stream as a network would; the client reconnects with Last-Event-ID."""
        conn = self._conn
        if conn is not None and conn.sock is not None:
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)


def _key(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq)


class Recorder:
    """Every event of some topics from now on, read from their Redis streams."""

    def __init__(self, redis_port: int, prefix: str, topics: list[str]):
        import redis

        from gridbee.core.live_log import meta_keys, stream_key

        self.client = redis.Redis(port=redis_port, socket_timeout=10)
        self.keys = {stream_key(prefix, t): t for t in topics}
        self.start = (self.client.get(meta_keys(prefix)[0]) or b"0-0").decode()
        self.events: dict[str, dict[str, str]] = {t: {} for t in topics}  # topic: id -> data

    def run(self, stop: threading.Event) -> None:
        cursors = dict.fromkeys(self.keys, self.start)
        while not stop.is_set():
            try:
                answer = self.client.xread(cursors, block=1000)
            except Exception:  # Redis restarting: its streams come back from its AOF
                time.sleep(0.2)
                continue
            for key, entries in answer or ():
                key = key.decode()
                for entry_id, fields in entries:
                    entry_id = entry_id.decode()
                    self.events[self.keys[key]][entry_id] = fields[b"d"].decode()
                    cursors[key] = entry_id

    def expected(self, topics: list[str], after: str) -> list[str]:
        ids = {i for t in topics for i in self.events.get(t, {}) if _key(i) > _key(after)}
        return sorted(ids, key=_key)

    def all(self) -> dict[str, str]:
        return {i: d for events in self.events.values() for i, d in events.items()}


def caught_up(clients: list[LiveClient], topics: dict[str, list[str]], recorder: Recorder):
    """Per client: caught up (every published event once, in order, no reset), or what it
    missed."""
    out = []
    for client in clients:
        expected = recorder.expected(topics[client.name], client.first or recorder.start)
        missed = len(set(expected) - set(client.seen))
        out.append(
            {
                "client": client.name,
                "expected": len(expected),
                "seen": len(client.seen),
                "missed": missed,
                "repeated": len(client.seen) - len(set(client.seen)),
                "in_order": client.seen == sorted(client.seen, key=_key),
                "resets": client.resets,
                "connects": client.connects,
                "refused": client.refused,
                "caught_up": client.seen == expected and client.resets == 0,
            }
        )
    return out


class Accepter:
    """An operator accepting each case once, retrying on any error or timeout."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.cases: queue.Queue = queue.Queue()
        self.accepted: set[int] = set()
        self.already: set[int] = set()  # refused as accepted already: an earlier try took
        self.errors = 0
        self._queued: set[int] = set()

    def offer(self, case_id: int) -> None:
        if case_id not in self._queued:
            self._queued.add(case_id)
            self.cases.put(case_id)

    def run(self, stop: threading.Event, done: threading.Event) -> None:
        while not stop.is_set():
            try:
                case_id = self.cases.get(timeout=0.5)
            except queue.Empty:
                if done.is_set():
                    return
                continue
            self._accept(case_id, stop)

    def _accept(self, case_id: int, stop) -> None:
        wait = 0.25
        while not stop.is_set():
            status, answer = request(
                self.port, "POST", f"/api/cases/{case_id}/steps/accept", b"{}",
                {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            )  # fmt: skip
            if status == 200:
                self.accepted.add(case_id)
                return
            if status == 409 or (400 <= status < 500 and b"invalid_transition" in answer):
                self.already.add(case_id)
                return
            if 400 <= status < 500 and status not in (408, 429):
                print(f"  accept {case_id} refused: {status} {answer[:200]!r}", flush=True)
                return
            self.errors += 1
            time.sleep(wait)
            wait = min(wait * 2, 3.0)


def request(port, method, path, body, headers) -> tuple[int, bytes]:
    """One request to the rig; (0, b"") when it failed or timed out."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException):
        return 0, b""
    finally:
        conn.close()


def log_in(port: int, mobile: str, password: str) -> str:
    body = json.dumps({"mobile": mobile, "password": password}).encode()
    for _ in range(20):
        status, answer = request(
            port, "POST", "/api/auth/token", body, {"Content-Type": "application/json"}
        )
        if status == 200:
            return json.loads(answer)["token"]
        time.sleep(0.5)
    sys.exit(f"log-in of {mobile} failed: {status} {answer[:200]!r}")


def session_cookie(user) -> str:
    """A logged-in browser's session cookie for user, made as Django's login makes one."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        load_backend,
    )

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    backend = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )  # the first is a throttle that only refuses
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def outbox_check(case_ids: set[int], started_at) -> dict:
    """Each accept of the run's cases told each reporter once: one message and one outbox row
    (recipient, text) each; nothing left pending. Counts what is missing and what doubled."""
    from django.db.models import Count

    from gridbee.cases.models import CaseEvent, Message
    from gridbee.core.models import OutboxMessage
    from gridbee.people.models import User

    # Accepted during the run (a report may join a case an earlier run accepted).
    accepts = CaseEvent.objects.filter(case_id__in=case_ids, kind="accept", at__gte=started_at)
    steps = dict(accepts.values_list("case_id").annotate(n=Count("id")))
    pending = accepts.filter(effects_pending=True).count()
    messages = list(
        Message.objects.filter(case_id__in=steps, kind="accept").values_list(
            "case_id", "recipient_id", "recipient__mobile", "text"
        )
    )
    told: dict[tuple[int, int], int] = {}  # (case, user): messages
    for case_id, user_id, _mobile, _text in messages:
        told[(case_id, user_id)] = told.get((case_id, user_id), 0) + 1
    counted = (
        OutboxMessage.objects.filter(created_at__gte=started_at)
        .values("recipient", "body")
        .annotate(n=Count("id"))
        .values_list("recipient", "body", "n")
    )
    rows = {(recipient, body): n for recipient, body, n in counted}
    outbox = [rows.get((mobile, text), 0) for _c, _u, mobile, text in set(messages)]
    # To be told: the reporters of the case when it was accepted (a report may join it later).
    untold = 0
    for event in accepts:
        reporters = User.objects.filter(
            partner__reports__case_id=event.case_id, partner__reports__received_at__lte=event.at
        ).distinct()
        untold += sum(
            1 for pk in reporters.values_list("pk", flat=True) if (event.case_id, pk) not in told
        )
    return {
        "accepted_cases": len(steps),
        "accept_steps_doubled": sum(n - 1 for n in steps.values()),
        "outbox_messages": len(outbox),
        "outbox_delivered_once": outbox.count(1),
        "outbox_missing": untold + outbox.count(0),
        "outbox_doubled": sum(n - 1 for n in outbox if n > 1)
        + sum(n - 1 for n in told.values() if n > 1),
        "effects_pending": pending,
    }
