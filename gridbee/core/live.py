"""Live updates: publish an event to a topic, and stream topics to browsers as Server-Sent
Events (text/event-stream).

Topics are plain strings, one per scope a viewer can have, so that an event reaches only those
who may see its case: ``case:<id>`` (one case's page), ``county:<code>`` (county-wide staff),
``area:<code prefix>`` (staff of a town or community), ``grid:<id>`` (operators bound to
grids), ``department:<id>`` (a department's queue), ``user:<id>`` (one person's own reports
and messages). An event is a small JSON object saying *what* changed ({"type": "case", "id": 7,
...}); pages fetch the new state from the server, which scopes it to the viewer, so an event
never carries more than ids and names of steps.

Without ``settings.REDIS_URL`` the fan-out is in this process: each subscriber owns an asyncio
queue on its event loop, and publish (from any thread, usually a request's on-commit hook)
hands the event over with ``loop.call_soon_threadsafe``. With Redis, publish is a Redis
PUBLISH and every subscriber a ``redis.asyncio`` pub/sub, so all app processes fan out.

An open stream holds no database connection (see ``stream``): who may see what is decided
before it starts, and checked again every ``settings.LIVE_RECHECK_SECONDS`` with a connection
taken for the check and handed back at once. Each account may keep
``settings.LIVE_STREAMS_PER_USER`` streams open at a time (counted in live_slots.py)."""

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from .errors import ErrorCode
from .live_slots import SLOT_SECONDS, LocalCounts, RedisCounts, Slot

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15.0  # a comment line this often keeps proxies from closing the stream
RETRY_MS = 3000  # how soon a browser reconnects after the stream drops
QUEUE_SIZE = 100  # events a slow subscriber may lag behind before new ones are dropped


class LiveError(ErrorCode):
    TOO_MANY_STREAMS = (
        "live.too_many_streams",
        429,
        _("Too many live pages are open for this account. Close some and reload this one."),
    )


def channel(topic: str) -> str:
    return f"{_prefix()}:live:{topic}"


def _prefix() -> str:
    return getattr(settings, "REDIS_PREFIX", "") or "gridbee"


def publish(topic: str, event: dict) -> None:
    """Send an event to everyone subscribed to topic, here or (with Redis) in any process.
    Safe to call from sync code in any thread; never raises (live updates are best effort)."""
    publish_many([topic], event)


def publish_many(topics: Iterable[str], event: dict) -> None:
    """publish() to each of topics, in one round trip to Redis."""
    topics = list(topics)
    payload = json.dumps(event, cls=DjangoJSONEncoder, ensure_ascii=False)
    try:
        if settings.REDIS_URL:
            pipe = _redis(settings.REDIS_URL).pipeline(transaction=False)
            for topic in topics:
                pipe.publish(channel(topic), payload)
            pipe.execute()
        else:
            for topic in topics:
                _hub.publish(topic, payload)
    except Exception:
        log.exception("live: could not publish to %s", ", ".join(topics))


def publish_on_commit(topics: Iterable[str], event: dict) -> None:
    """Publish once the current transaction commits (at once outside a transaction)."""
    topics = list(topics)
    transaction.on_commit(lambda: publish_many(topics, event))


# -- topics ---------------------------------------------------------------------------------


def county_topic(code: str) -> str:
    return f"county:{code}"


def area_topic(prefix: str) -> str:
    """The staff of a region below the county: prefix is its code's significant digits."""
    return f"area:{prefix}"


def grid_topic(grid_id) -> str:
    return f"grid:{grid_id}"


def department_topic(department_id) -> str:
    return f"department:{department_id}"


def user_topic(user_id) -> str:
    return f"user:{user_id}"


def case_topic(case_id) -> str:
    return f"case:{case_id}"


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


# -- how many streams each user has open (live_slots.py) -----------------------------------

_local_counts = LocalCounts()


def _counts() -> LocalCounts | RedisCounts:
    if settings.REDIS_URL:
        return RedisCounts(_redis(settings.REDIS_URL), _prefix())
    return _local_counts


# -- who may see what -----------------------------------------------------------------------

TopicsFor = Callable[[object], list[str]]  # a user -> the topics they may hear ([]: none)


def release_connections() -> None:
    """Hand this thread's database connections back (to the pool, or closed), unless a
    transaction is open on one. Call in the thread that used them: connections are per
    thread, and under ASGI a request's thread keeps its connection until the response ends,
    which for a live stream is when the page closes."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


def _session_user(session_key: str | None, user_id):
    """The active user the session still belongs to, or None: read-only (unlike Django's
    get_user, which may rotate or flush the session; the browser's next request does that)."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
        load_backend,
    )
    from django.utils.crypto import constant_time_compare

    model = get_user_model()
    if session_key is None:  # authenticated some other way: the account must still be active
        return model._default_manager.filter(pk=user_id, is_active=True).first()
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    try:
        pk = model._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:  # ended: logged out, expired, or ended for them
        return None
    if pk != user_id or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = load_backend(backend_path).get_user(pk)  # None when deactivated
    if user is None:
        return None
    given = session.get(HASH_SESSION_KEY) or ""
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    if not (given and any(constant_time_compare(given, h) for h in hashes)):
        return None  # the password changed since
    return user


@dataclass
class _Access:
    """What an open stream was granted, to be checked again while it runs."""

    user_id: object
    session_key: str | None
    topics_for: TopicsFor
    topics: list[str]

    def still_granted(self) -> bool:
        """Sync, in the request's thread: takes a connection for the check, hands it back."""
        try:
            user = _session_user(self.session_key, self.user_id)
            return user is not None and sorted(self.topics_for(user)) == self.topics
        except Exception:  # the database out of reach: keep streaming, check next time
            log.exception("live: could not check the access of user %s", self.user_id)
            return True
        finally:
            release_connections()


# -- Server-Sent Events ---------------------------------------------------------------------


async def event_stream(
    topics: Iterable[str], *, access: _Access | None = None, slot: Slot | None = None
) -> AsyncIterator[str]:
    """The text/event-stream of topics: a retry hint, then each event as ``data:`` and a
    comment line every HEARTBEAT_SECONDS. Ends when the client goes away (the server cancels
    the generator, and the subscription closes with it), or when access (checked every
    settings.LIVE_RECHECK_SECONDS) is no longer granted; the browser then reconnects and
    is told why not."""
    topics = list(topics)
    loop = asyncio.get_running_loop()
    recheck = settings.LIVE_RECHECK_SECONDS
    try:
        async with subscribe(*topics) as subscription:
            yield f"retry: {RETRY_MS}\n: subscribed\n\n"
            last_sent = check_at = loop.time()
            check_at += recheck
            while True:
                wake_at = last_sent + HEARTBEAT_SECONDS
                if access is not None:
                    wake_at = min(wake_at, check_at)
                payload = await subscription.next(max(wake_at - loop.time(), 0))
                if payload is not None:
                    yield "".join(f"data: {line}\n" for line in payload.splitlines()) + "\n"
                    last_sent = loop.time()
                if access is not None and loop.time() >= check_at:
                    if not await sync_to_async(access.still_granted)():
                        return
                    check_at = loop.time() + recheck
                if slot is not None:
                    await slot.renew_if_due()
                if loop.time() - last_sent >= HEARTBEAT_SECONDS:
                    yield ": heartbeat\n\n"
                    last_sent = loop.time()
    finally:
        if slot is not None:
            await slot.give_back()


def sse_response(
    topics: Iterable[str], *, access: _Access | None = None, slot: Slot | None = None
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        event_stream(topics, access=access, slot=slot), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


async def stream(
    request, topics_for: TopicsFor, *, refused: int = 403, anonymous: int | None = 401
) -> HttpResponse:
    """A live view's answer: the stream of topics_for(user), or refused (anonymous for
    someone not logged in; None: refused) when that is no topic, or 429 past the user's
    number of open streams.

    Everything that needs the database is decided here, in the request's own thread, and
    that thread's connection is handed back before the stream starts: an open page holds no
    connection of the pool, however long it stays open."""
    return await sync_to_async(_open_stream)(request, topics_for, refused, anonymous)


def _open_stream(request, topics_for, refused, anonymous) -> HttpResponse:
    try:
        user = request.user
        topics = sorted(topics_for(user))
        if not topics:
            status = refused if user.is_authenticated or anonymous is None else anonymous
            return HttpResponse(status=status, content_type="text/plain")
        slot = Slot.take(_counts(), user.pk, settings.LIVE_STREAMS_PER_USER)
        if slot is None:
            error = LiveError.TOO_MANY_STREAMS
            answer = JsonResponse({"code": error.code, "message": error.message}, status=429)
            answer["Retry-After"] = str(int(SLOT_SECONDS))
            return answer
        session = getattr(request, "session", None)
        access = _Access(user.pk, getattr(session, "session_key", None), topics_for, topics)
    finally:
        release_connections()
    return sse_response(topics, access=access, slot=slot)
