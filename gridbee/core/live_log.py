"""The recent events of each live topic, kept so that a page that lost its stream catches up
from the last event it saw (the ``Last-Event-ID`` its browser sends on reconnecting) with no
gap and no repeat.

Every event gets one id, ``<milliseconds>-<sequence>``, increasing across all topics: the
same event sent to several topics has the same id everywhere, and once an id has been handed
out no event with a smaller one can appear. A reader of several topics therefore needs one
cursor, the last id it passed on: it reads what every topic holds past the cursor, merges by
id and drops repeats (an event to a county and to a town is one event).

With Redis each topic is a Redis stream (XADD ... MAXLEN ~ keep, expiring after ``seconds``
without an event), written by a script that hands out the ids, and a reader blocks in XREAD;
all app processes share them. Without Redis (one process) each topic is a bounded buffer in
memory with the same rules.

History does not reach back to an id (the reader must reload instead) when: the id is older
than ``seconds`` (its topics may have expired since), a topic dropped an event past it (its
length was capped), the id is newer than any handed out, or the history started after it (a
Redis that lost its data, a restarted process)."""

import asyncio
import contextlib
import threading
import time
from collections import deque
from dataclasses import dataclass, field

Entry = tuple[tuple[int, int], str, str]  # (id as numbers, for ordering; id; JSON text)


def parse_id(text) -> tuple[int, int] | None:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    ms, dash, seq = str(text or "").strip().partition("-")
    if not (dash and ms.isdigit() and seq.isdigit() and len(ms) < 16 and len(seq) < 16):
        return None
    return int(ms), int(seq)


def format_id(key: tuple[int, int]) -> str:
    return f"{key[0]}-{key[1]}"


def merge(batches) -> list[Entry]:
    """Entries of several topics in id order, each event once."""
    seen, out = set(), []
    for entry in sorted(e for batch in batches for e in batch):
        if entry[0] not in seen:
            seen.add(entry[0])
            out.append(entry)
    return out


def _next_id(last: tuple[int, int], now_ms: int) -> tuple[int, int]:
    if now_ms > last[0]:
        return now_ms, 0
    return last[0], last[1] + 1


# -- in this process ----------------------------------------------------------------------


@dataclass
class _Topic:
    entries: deque
    dropped: tuple[int, int] = (0, 0)  # the newest event dropped to keep the cap
    touched: float = 0.0
    waiters: set = field(default_factory=set)  # (loop, asyncio.Event) of readers


class LocalLog:
    """Buffers of this process; append from any thread, read on any event loop."""

    def __init__(self, keep: int, seconds: float):
        self.keep, self.seconds = keep, seconds
        self._lock = threading.Lock()
        self._topics: dict[str, _Topic] = {}
        # History here starts now: an id from before (another process's) is out of reach.
        self._since = self._last = (time.time_ns() // 1_000_000, 0)
        self._appends = 0

    def configure(self, keep: int, seconds: float) -> None:
        with self._lock:
            if (keep, seconds) != (self.keep, self.seconds):
                self.keep, self.seconds = keep, seconds
                for topic in self._topics.values():
                    topic.entries = deque(topic.entries, maxlen=keep)

    def append(self, topics: list[str], payload: str) -> str:
        now = time.monotonic()
        with self._lock:
            key = _next_id(self._last, time.time_ns() // 1_000_000)
            self._last = key
            entry = (key, format_id(key), payload)
            wake = []
            for name in topics:
                topic = self._topics.get(name)
                if topic is None:
                    topic = self._topics[name] = _Topic(deque(maxlen=self.keep))
                if len(topic.entries) == topic.entries.maxlen:
                    topic.dropped = topic.entries[0][0]
                topic.entries.append(entry)
                topic.touched = now
                wake += topic.waiters
            self._appends += 1
            if self._appends % 1000 == 0:
                self._forget_idle(now)
        for loop, event in wake:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(event.set)
        return entry[1]

    def _forget_idle(self, now: float) -> None:
        for name in [n for n, t in self._topics.items() if now - t.touched > self.seconds]:
            if not self._topics[name].waiters:
                del self._topics[name]

    def last(self) -> str:
        with self._lock:
            return format_id(self._last)

    def reaches(self, topics: list[str], after: str) -> bool:
        """Whether every event of topics past after is still here."""
        key = parse_id(after)
        with self._lock:
            if key is None or key < self._since or key > self._last:
                return False
            if key[0] < time.time() * 1000 - self.seconds * 1000:
                return False
            return all(t is None or t.dropped <= key for t in (self._topics.get(n) for n in topics))

    def read(self, topics: list[str], after: str) -> list[Entry]:
        key = parse_id(after) or (0, 0)
        with self._lock:
            batches = []
            for name in topics:
                topic = self._topics.get(name)
                if topic is not None:
                    batches.append([e for e in reversed(topic.entries) if e[0] > key])
        return merge(batches)

    def watch(self, topics: list[str], loop, event) -> None:
        with self._lock:
            for name in topics:
                topic = self._topics.get(name)
                if topic is None:
                    topic = self._topics[name] = _Topic(deque(maxlen=self.keep))
                    topic.touched = time.monotonic()
                topic.waiters.add((loop, event))

    def unwatch(self, topics: list[str], loop, event) -> None:
        with self._lock:
            for name in topics:
                topic = self._topics.get(name)
                if topic is not None:
                    topic.waiters.discard((loop, event))

    def watchers(self, name: str) -> int:
        with self._lock:
            topic = self._topics.get(name)
            return len(topic.waiters) if topic else 0


class LocalReader:
    """One stream's reader of a LocalLog."""

    def __init__(self, log: LocalLog, topics: list[str]):
        self.log, self.topics = log, topics
        self.event = asyncio.Event()
        self.loop = asyncio.get_running_loop()

    def __enter__(self):
        self.log.watch(self.topics, self.loop, self.event)
        return self

    def __exit__(self, *exc):
        self.log.unwatch(self.topics, self.loop, self.event)

    async def last(self) -> str:
        return self.log.last()

    async def reaches(self, after: str) -> bool:
        return self.log.reaches(self.topics, after)

    async def read(self, after: str, timeout: float) -> list[Entry]:
        self.event.clear()  # before reading: an append after the read sets it again
        entries = self.log.read(self.topics, after)
        if entries or timeout <= 0:
            return entries
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.event.wait(), timeout)
        return self.log.read(self.topics, after)


# -- in Redis -----------------------------------------------------------------------------

# KEYS: the last id handed out, the first one, then the topics' streams.
# ARGV: the event's JSON text, how many events a stream keeps, seconds a stream lives idle.
APPEND = """
local t = redis.call('TIME')
local ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local seq = 0
local last = redis.call('GET', KEYS[1])
if last then
  local lms, lseq = string.match(last, '^(%d+)-(%d+)$')
  if ms <= tonumber(lms) then
    ms = tonumber(lms)
    seq = tonumber(lseq) + 1
  end
end
local id = string.format('%d-%d', ms, seq)
redis.call('SET', KEYS[1], id)
redis.call('SET', KEYS[2], id, 'NX')
for i = 3, #KEYS do
  redis.call('XADD', KEYS[i], 'MAXLEN', '~', ARGV[2], id, 'd', ARGV[1])
  redis.call('EXPIRE', KEYS[i], ARGV[3])
end
return id
"""

# KEYS: the last id handed out and the first one. Answers the last, starting history now when
# there is none yet (a new Redis): the next reader's id must be within it.
LAST = """
local last = redis.call('GET', KEYS[1])
if not last then
  local t = redis.call('TIME')
  last = string.format('%d-0', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
  redis.call('SET', KEYS[1], last)
  redis.call('SET', KEYS[2], last, 'NX')
end
return last
"""

# KEYS as above; ARGV: the reader's last id as milliseconds and sequence, seconds kept.
# Answers {1 if history reaches back to the id else 0, the last id handed out}.
REACHES = """
local function older(a_ms, a_seq, b)
  local ms, seq = string.match(b, '^(%d+)-(%d+)$')
  ms, seq = tonumber(ms), tonumber(seq)
  return a_ms < ms or (a_ms == ms and a_seq < seq)
end
local last = redis.call('GET', KEYS[1]) or '0-0'
local since = redis.call('GET', KEYS[2])
local ms, seq = tonumber(ARGV[1]), tonumber(ARGV[2])
if not since or older(ms, seq, since) or not older(ms, seq - 1, last) then
  return {0, last}
end
local t = redis.call('TIME')
if ms < tonumber(t[1]) * 1000 - tonumber(ARGV[3]) * 1000 then
  return {0, last}
end
for i = 3, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    -- Capped: events older than its first one were dropped, some maybe past the id.
    local info, f = redis.call('XINFO', 'STREAM', KEYS[i]), {}
    for j = 1, #info, 2 do
      f[info[j]] = info[j + 1]
    end
    if tonumber(f['entries-added']) > tonumber(f['length'])
        and older(ms, seq, f['recorded-first-entry-id']) then
      return {0, last}
    end
  end
end
return {1, last}
"""


def stream_key(prefix: str, topic: str) -> str:
    return f"{prefix}:live:log:{topic}"


def meta_keys(prefix: str) -> list[str]:
    return [f"{prefix}:live:last-id", f"{prefix}:live:first-id"]


def redis_append(client, prefix: str, topics: list[str], payload: str, keep: int, seconds):
    """Append to topics with a sync redis.Redis; answers the event's id."""
    keys = [*meta_keys(prefix), *(stream_key(prefix, t) for t in topics)]
    answer = client.eval(APPEND, len(keys), *keys, payload, keep, int(seconds))
    return answer.decode() if isinstance(answer, bytes) else answer


class RedisReader:
    """One stream's reader: its own redis.asyncio connection, blocked in XREAD while idle."""

    def __init__(self, client, prefix: str, topics: list[str], seconds: float):
        self.client, self.prefix, self.topics, self.seconds = client, prefix, topics, seconds
        self.keys = [stream_key(prefix, t) for t in topics]

    async def last(self) -> str:
        answer = await self.client.eval(LAST, 2, *meta_keys(self.prefix))
        return answer.decode() if isinstance(answer, bytes) else answer

    async def reaches(self, after: str) -> bool:
        key = parse_id(after)
        if key is None:
            return False
        keys = [*meta_keys(self.prefix), *self.keys]
        ok, _ = await self.client.eval(REACHES, len(keys), *keys, *key, int(self.seconds))
        return bool(ok)

    async def read(self, after: str, timeout: float) -> list[Entry]:
        block = int(timeout * 1000)
        streams = dict.fromkeys(self.keys, after)
        answer = await self.client.xread(streams, block=block if block > 0 else None)
        batches = []
        for _, entries in answer or ():
            batch = []
            for entry_id, fields in entries:
                text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
                data = fields.get(b"d", fields.get("d", b""))
                data = data.decode() if isinstance(data, bytes) else data
                batch.append((parse_id(text), text, data))
            batches.append(batch)
        return merge(batches)
