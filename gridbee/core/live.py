"""Live updates: publish an event to a topic, and stream topics to browsers as Server-Sent
Events (text/event-stream).

Topics are plain strings, one per scope a viewer can have, so that an event reaches only those
who may see its case: ``case:<id>`` (one case's page), ``county:<code>`` (county-wide staff),
``area:<code prefix>`` (staff of a town or community), ``grid:<id>`` (operators bound to
grids), ``department:<id>`` (a department's queue), ``user:<id>`` (one person's own reports
and messages). An event is a small JSON object saying *what* changed ({"type": "case", "id": 7,
...}); pages fetch the new state from the server, which scopes it to the viewer, so an event
never carries more than ids and names of steps.

Each topic keeps its recent events (live_log.py: a Redis stream per topic, shared by all app
processes; without ``settings.REDIS_URL``, a buffer in this process), and every event has an id
that is the SSE ``id:``. A browser whose stream dropped reconnects by itself and sends the last
id it got (``Last-Event-ID``); its new stream starts with the events it missed, in order and
each once, then goes on live. When history no longer reaches back that far
(``settings.LIVE_REPLAY_EVENTS`` per topic, ``settings.LIVE_REPLAY_SECONDS``) the stream sends a
``reset`` event instead, and the page fetches what it shows anew.

An open stream holds no database connection (see ``stream``): who may see what is decided
before it starts, and checked again every ``settings.LIVE_RECHECK_SECONDS`` with a connection
taken for the check and handed back at once. Each account may keep
``settings.LIVE_STREAMS_PER_USER`` streams open at a time (counted in live_slots.py)."""

import asyncio
import contextlib
import json
import logging
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
from .live_log import LocalLog, LocalReader, RedisReader, redis_append
from .live_slots import SLOT_SECONDS, LocalCounts, RedisCounts, Slot

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15.0  # a comment line this often keeps proxies from closing the stream
RETRY_MS = 3000  # how soon a browser reconnects after the stream drops


class LiveError(ErrorCode):
    TOO_MANY_STREAMS = (
        "live.too_many_streams",
        429,
        _("Too many live pages are open for this account. Close some and reload this one."),
    )


def _prefix() -> str:
    return getattr(settings, "REDIS_PREFIX", "") or "gridbee"


def publish(topic: str, event: dict) -> None:
    """Send an event to everyone subscribed to topic, here or (with Redis) in any process.
    Safe to call from sync code in any thread; never raises (live updates are best effort)."""
    publish_many([topic], event)


def publish_many(topics: Iterable[str], event: dict) -> None:
    """publish() to each of topics, as one event (one id), in one round trip to Redis."""
    topics = list(dict.fromkeys(topics))
    payload = json.dumps(event, cls=DjangoJSONEncoder, ensure_ascii=False)
    try:
        if settings.REDIS_URL:
            client = _redis(settings.REDIS_URL)
            redis_append(client, _prefix(), topics, payload, *_keep())
        else:
            _local().append(topics, payload)
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


# -- the logs of recent events (live_log.py) ------------------------------------------------

_local_log = LocalLog(1000, 900.0)


def _keep() -> tuple[int, float]:
    return settings.LIVE_REPLAY_EVENTS, float(settings.LIVE_REPLAY_SECONDS)


def _local() -> LocalLog:
    _local_log.configure(*_keep())
    return _local_log


@lru_cache(maxsize=4)
def _redis(url: str):
    import redis
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    # A Redis restarting (a second or so) should not lose the events published meanwhile:
    # retry for about two seconds before giving up on one.
    retry = Retry(ExponentialBackoff(cap=0.5, base=0.05), 6)
    return redis.Redis.from_url(
        url,
        socket_timeout=5,
        socket_connect_timeout=5,
        retry=retry,
        retry_on_error=[redis.ConnectionError, redis.TimeoutError],
    )


# -- subscriptions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One event for a stream: its id and JSON text; or, with reset, word that history does not
    reach back to the id the reader gave (it must reload what it shows), id being where it
    continues from."""

    id: str
    data: str = ""
    reset: bool = False


class Subscription:
    """Events of some topics, in order, each once: ``await next(timeout)`` answers an Event, or
    None when nothing came within timeout seconds. ``cursor`` is the id of the last event
    handed out (or where the subscription started)."""

    def __init__(self, reader, cursor: str, reset: bool):
        self.reader, self.cursor = reader, cursor
        self._ready: list[Event] = [Event(cursor, reset=True)] if reset else []
        self._broken = False

    async def next(self, timeout: float) -> Event | None:
        if not self._ready:
            await self._fill(timeout)
        return self._ready.pop(0) if self._ready else None

    async def _fill(self, timeout: float) -> None:
        try:
            if self._broken:  # back after an outage: is the history still there?
                if not await self.reader.reaches(self.cursor):
                    self.cursor = await self.reader.last()
                    self._ready.append(Event(self.cursor, reset=True))
                self._broken = False
                if self._ready:
                    return
            entries = await self.reader.read(self.cursor, timeout)
        except Exception:
            # Redis restarting: keep the page's stream open and carry on from the cursor.
            if not self._broken:
                log.warning("live: could not read %s, retrying", self.reader.topics)
            self._broken = True
            await asyncio.sleep(min(timeout, 1.0))
            return
        for _key, entry_id, data in entries:
            self._ready.append(Event(entry_id, data))
            self.cursor = entry_id


@contextlib.asynccontextmanager
async def subscribe(*topics: str, after: str | None = None) -> AsyncIterator[Subscription]:
    """Subscribe to topics for the duration of the block: events published from when the
    block starts arrive, or from after the event with id ``after`` (a Last-Event-ID) when
    history still reaches back to it, else a reset event first."""
    topics = sorted(set(topics))
    if settings.REDIS_URL:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=5)
        reader = RedisReader(client, _prefix(), topics, _keep()[1])
        try:
            yield await _start(reader, after)
        finally:
            with contextlib.suppress(Exception):
                await client.aclose()
        return
    with LocalReader(_local(), topics) as reader:
        yield await _start(reader, after)


async def _start(reader, after: str | None) -> Subscription:
    reaches = after is None or await reader.reaches(after)
    cursor = after if after is not None and reaches else await reader.last()
    return Subscription(reader, cursor, reset=not reaches)


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
    topics: Iterable[str],
    *,
    access: _Access | None = None,
    slot: Slot | None = None,
    after: str | None = None,
) -> AsyncIterator[str]:
    """The text/event-stream of topics: a retry hint and a ``ready`` event carrying the id to
    resume from, then each event as ``id:`` and ``data:``, and a comment line every
    HEARTBEAT_SECONDS. With after (the Last-Event-ID a reconnecting browser sends) the events
    since that one come first, or, when history no longer reaches back to it, a ``reset`` event
    (the page reloads what it shows). Ends when the client goes away (the server cancels the
    generator, and the subscription closes with it), or when access (checked every
    settings.LIVE_RECHECK_SECONDS) is no longer granted; the browser then reconnects and is
    told why not."""
    topics = list(topics)
    loop = asyncio.get_running_loop()
    recheck = settings.LIVE_RECHECK_SECONDS
    try:
        async with subscribe(*topics, after=after) as subscription:
            yield (
                f"retry: {RETRY_MS}\nid: {subscription.cursor}\nevent: ready\ndata: {{}}\n"
                ": subscribed\n\n"
            )
            last_sent = check_at = loop.time()
            check_at += recheck
            while True:
                wake_at = last_sent + HEARTBEAT_SECONDS
                if access is not None:
                    wake_at = min(wake_at, check_at)
                event = await subscription.next(max(wake_at - loop.time(), 0))
                if event is not None:
                    yield sse_event(event)
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


def sse_event(event: Event) -> str:
    if event.reset:
        return f"id: {event.id}\nevent: reset\ndata: {{}}\n\n"
    data = "".join(f"data: {line}\n" for line in event.data.splitlines())
    return f"id: {event.id}\n{data}\n"


def sse_response(
    topics: Iterable[str],
    *,
    access: _Access | None = None,
    slot: Slot | None = None,
    after: str | None = None,
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        event_stream(topics, access=access, slot=slot, after=after),
        content_type="text/event-stream",
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
    # A browser's EventSource sends the id of the last event it got when it reconnects.
    after = request.headers.get("Last-Event-ID") or None
    return sse_response(topics, access=access, slot=slot, after=after)
