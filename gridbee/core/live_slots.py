"""How many live streams (Server-Sent Events) each user has open, so that one account cannot
hold a server's streams: a place per open stream, taken before it starts and given back when it
ends. With Redis the count is shared by all app processes; a place is renewed while its stream
runs and lapses SLOT_SECONDS after the last renewal, so a process that died with streams open
does not keep their places taken for ever."""

import logging
import threading
import time
import uuid
from dataclasses import dataclass

from asgiref.sync import sync_to_async

log = logging.getLogger(__name__)

# An open stream renews its place well within this (every SLOT_SECONDS / 3 at most).
SLOT_SECONDS = 60.0


class LocalCounts:
    """The open streams of each user in this process: token -> when its place lapses."""

    blocking = False

    def __init__(self):
        self._lock = threading.Lock()
        self._open: dict[object, dict[str, float]] = {}

    def acquire(self, user_id, token: str, limit: int) -> bool:
        now = time.monotonic()
        with self._lock:
            mine = {t: until for t, until in self._open.get(user_id, {}).items() if until > now}
            self._open[user_id] = mine
            if len(mine) >= limit:
                return False
            mine[token] = now + SLOT_SECONDS
            return True

    def refresh(self, user_id, token: str) -> None:
        with self._lock:
            self._open.setdefault(user_id, {})[token] = time.monotonic() + SLOT_SECONDS

    def release(self, user_id, token: str) -> None:
        with self._lock:
            mine = self._open.get(user_id, {})
            mine.pop(token, None)
            if not mine:
                self._open.pop(user_id, None)


# One sorted set per user: a member per open stream, scored with the moment (on Redis's own
# clock, the same for every process) its place lapses unless renewed.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[3])) + 1)
return 1
"""
_REFRESH = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])) + 1)
return 1
"""


class RedisCounts:
    """The same, shared by every process through Redis (client: a sync redis.Redis)."""

    blocking = True  # a network round trip: called off the event loop

    def __init__(self, client, prefix: str):
        self.client = client
        self.prefix = prefix

    def key(self, user_id) -> str:
        return f"{self.prefix}:live:streams:{user_id}"

    def acquire(self, user_id, token: str, limit: int) -> bool:
        return bool(self.client.eval(_ACQUIRE, 1, self.key(user_id), token, limit, SLOT_SECONDS))

    def refresh(self, user_id, token: str) -> None:
        self.client.eval(_REFRESH, 1, self.key(user_id), token, SLOT_SECONDS)

    def release(self, user_id, token: str) -> None:
        self.client.zrem(self.key(user_id), token)


@dataclass
class Slot:
    """One stream's place in its user's count."""

    counts: LocalCounts | RedisCounts
    user_id: object
    token: str
    renewed_at: float

    @classmethod
    def take(cls, counts, user_id, limit: int) -> "Slot | None":
        """A place, or None when the user has `limit` streams open already (no limit: 0).
        Sync. When the count cannot be reached the stream opens anyway (live updates are best
        effort, and a Redis out of reach fails the stream soon enough)."""
        slot = cls(counts, user_id, uuid.uuid4().hex, time.monotonic())
        if limit <= 0:
            return slot
        try:
            return slot if counts.acquire(user_id, slot.token, limit) else None
        except Exception:
            log.exception("live: could not count the open streams of user %s", user_id)
            return slot

    async def renew_if_due(self) -> None:
        if time.monotonic() - self.renewed_at < SLOT_SECONDS / 3:
            return
        self.renewed_at = time.monotonic()
        await self._call(self.counts.refresh)

    async def give_back(self) -> None:
        await self._call(self.counts.release)

    async def _call(self, method) -> None:
        try:
            if self.counts.blocking:
                await sync_to_async(method, thread_sensitive=False)(self.user_id, self.token)
            else:
                method(self.user_id, self.token)
        except Exception:
            log.exception("live: could not update the open streams of user %s", self.user_id)
