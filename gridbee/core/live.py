"""Live updates: publish an event to a topic, and stream a topic to browsers as Server-Sent
Events (text/event-stream).

Topics are plain strings: ``county:<code>`` (the operators' queues of one county),
``case:<id>`` (one case's page), ``user:<id>`` (one person's own reports and messages).
An event is a small JSON object saying *what* changed ({"type": "case", "id": 7, ...});
pages fetch the new state from the server, which scopes it to the viewer, so an event never
carries more than ids and names of steps.

Without ``settings.REDIS_URL`` the fan-out is in this process: each subscriber owns an asyncio
queue on its event loop, and publish (from any thread, usually a request's on-commit hook)
hands the event over with ``loop.call_soon_threadsafe``. With Redis, publish is a Redis
PUBLISH and every subscriber a ``redis.asyncio`` pub/sub, so all app processes fan out."""

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import AsyncIterator, Iterable
from functools import lru_cache

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import StreamingHttpResponse

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15.0  # a comment line this often keeps proxies from closing the stream
RETRY_MS = 3000  # how soon a browser reconnects after the stream drops
QUEUE_SIZE = 100  # events a slow subscriber may lag behind before new ones are dropped


def channel(topic: str) -> str:
    prefix = getattr(settings, "REDIS_PREFIX", "") or "gridbee"
    return f"{prefix}:live:{topic}"


def publish(topic: str, event: dict) -> None:
    """Send an event to everyone subscribed to topic, here or (with Redis) in any process.
    Safe to call from sync code in any thread; never raises (live updates are best effort)."""
    payload = json.dumps(event, cls=DjangoJSONEncoder, ensure_ascii=False)
    try:
        if settings.REDIS_URL:
            _redis(settings.REDIS_URL).publish(channel(topic), payload)
        else:
            _hub.publish(topic, payload)
    except Exception:
        log.exception("live: could not publish to %s", topic)


def publish_on_commit(topics: Iterable[str], event: dict) -> None:
    """Publish once the current transaction commits (at once outside a transaction)."""
    topics = list(topics)
    transaction.on_commit(lambda: [publish(t, event) for t in topics])


def case_changed(case, kind: str) -> None:
    """What the closed loop calls when a step is written: on commit, tell the case's page, its
    county's queues and its reporters. Only ids and names travel; pages fetch the rest."""
    event = {
        "type": "case",
        "id": case.pk,
        "kind": str(kind),
        "status": str(case.status),
        "urgency": str(case.urgency),
        "version": case.version,
    }
    case_id, county = case.pk, case.county_id

    def send():
        publish(f"case:{case_id}", event)
        publish(f"county:{county}", event)
        for user_id in _reporter_ids(case_id):
            publish(f"user:{user_id}", event)

    transaction.on_commit(send)


def _reporter_ids(case_id) -> list[int]:
    from gridbee.reports.models import Report

    try:
        rows = Report.objects.filter(case_id=case_id, partner__isnull=False)
        return sorted(set(rows.values_list("partner__user_id", flat=True)))
    except Exception:
        log.exception("live: could not find the reporters of case %s", case_id)
        return []


# -- in-process fan-out ---------------------------------------------------------------------


class _Hub:
    def __init__(self):
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue]]] = {}

    def add(self, topics, loop, queue) -> None:
        with self._lock:
            for topic in topics:
                self._subscribers.setdefault(topic, set()).add((loop, queue))

    def remove(self, topics, loop, queue) -> None:
        with self._lock:
            for topic in topics:
                subscribers = self._subscribers.get(topic)
                if subscribers is not None:
                    subscribers.discard((loop, queue))
                    if not subscribers:
                        del self._subscribers[topic]

    def publish(self, topic: str, payload: str) -> None:
        with self._lock:
            targets = list(self._subscribers.get(topic, ()))
        for loop, queue in targets:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(_offer, queue, payload)

    def count(self, topic: str) -> int:
        with self._lock:
            return len(self._subscribers.get(topic, ()))


def _offer(queue: asyncio.Queue, payload: str) -> None:
    with contextlib.suppress(asyncio.QueueFull):
        queue.put_nowait(payload)


_hub = _Hub()


# -- Redis ----------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


# -- subscriptions --------------------------------------------------------------------------


class Subscription:
    """Events of some topics, in order. ``await next(timeout)`` answers the event's JSON text,
    or None when nothing came within timeout seconds."""

    async def next(self, timeout: float) -> str | None:
        raise NotImplementedError


class _LocalSubscription(Subscription):
    def __init__(self, queue: asyncio.Queue):
        self.queue = queue

    async def next(self, timeout: float) -> str | None:
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None


class _RedisSubscription(Subscription):
    def __init__(self, pubsub):
        self.pubsub = pubsub

    async def next(self, timeout: float) -> str | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            left = deadline - loop.time()
            if left <= 0:
                return None
            message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=left)
            if message and message.get("type") == "message":
                data = message["data"]
                return data.decode() if isinstance(data, bytes) else str(data)


@contextlib.asynccontextmanager
async def subscribe(*topics: str) -> AsyncIterator[Subscription]:
    """Subscribe to topics for the duration of the block; the subscription is in place (events
    published from now on arrive) when the block starts."""
    if settings.REDIS_URL:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=5)
        pubsub = client.pubsub()
        try:
            await pubsub.subscribe(*(channel(t) for t in topics))
            # Wait for Redis to confirm, so a publish right after this line is not missed.
            for _ in topics:
                await pubsub.get_message(timeout=5)
            yield _RedisSubscription(pubsub)
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()
            with contextlib.suppress(Exception):
                await client.aclose()
        return
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue(maxsize=QUEUE_SIZE)
    _hub.add(topics, loop, queue)
    try:
        yield _LocalSubscription(queue)
    finally:
        _hub.remove(topics, loop, queue)


# -- Server-Sent Events ---------------------------------------------------------------------


async def event_stream(topics: Iterable[str]) -> AsyncIterator[str]:
    """The text/event-stream of topics: a retry hint, then each event as ``data:`` and a
    comment line every HEARTBEAT_SECONDS. Ends when the client goes away (the server cancels
    the generator, and the subscription closes with it)."""
    topics = list(topics)
    async with subscribe(*topics) as subscription:
        yield f"retry: {RETRY_MS}\n: subscribed\n\n"
        while True:
            payload = await subscription.next(HEARTBEAT_SECONDS)
            if payload is None:
                yield ": heartbeat\n\n"
            else:
                yield "".join(f"data: {line}\n" for line in payload.splitlines()) + "\n"


def sse_response(topics: Iterable[str]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(event_stream(topics), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response
