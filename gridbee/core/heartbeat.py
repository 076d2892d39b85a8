"""The background worker's heartbeat: while a consumer of the task queue runs, it says so every
few seconds, and the health check reads how long ago it last did.

The beat is kept where every app process can read it: with Redis, a key that expires (the worker
may run on another machine, with another clock); without, a file beside the SQLite task queue in
the data folder (all processes then share one machine). Both are named after the queue, so two
installs sharing a Redis do not vouch for each other."""

import logging
import os
import threading
import time
from functools import lru_cache
from pathlib import Path

import redis
from django.conf import settings

log = logging.getLogger(__name__)

BEAT_SECONDS = 10.0
DEAD_AFTER_SECONDS = 35.0  # three beats missed: the worker is gone or stuck
REDIS_TIMEOUT_SECONDS = 1.0  # the health check is polled: a Redis out of reach must not hang it


def _name() -> str:
    return f"{settings.HUEY.get('name', 'gridbee')}:worker-heartbeat"


def _path() -> Path:
    return Path(settings.DATA_DIR) / _name().replace(":", ".")


@lru_cache
def redis_client(url: str) -> redis.Redis:
    """One client (a connection pool) per process, with short timeouts."""
    return redis.Redis.from_url(
        url,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
    )


def beat() -> None:
    if settings.REDIS_URL:
        # The key lives as long as a beat counts: no clocks of two machines compared.
        ttl_ms = int(DEAD_AFTER_SECONDS * 1000)
        redis_client(settings.REDIS_URL).set(_name(), os.getpid(), px=ttl_ms)
    else:
        _path().touch()


def beating() -> bool:
    """Whether a worker beat within DEAD_AFTER_SECONDS. Raises redis.RedisError when the beat
    is kept in a Redis out of reach."""
    if settings.REDIS_URL:
        return bool(redis_client(settings.REDIS_URL).exists(_name()))
    try:
        return time.time() - _path().stat().st_mtime <= DEAD_AFTER_SECONDS
    except FileNotFoundError:
        return False


def forget() -> None:
    """A worker stopping in order: it is gone now, not in DEAD_AFTER_SECONDS."""
    if settings.REDIS_URL:
        redis_client(settings.REDIS_URL).delete(_name())
    else:
        _path().unlink(missing_ok=True)


_lock = threading.Lock()
_stop = threading.Event()
_thread: threading.Thread | None = None


def start_beating() -> None:
    """Beat from a thread of this process until stop_beating(); once however often called
    (the consumer calls it as each of its workers starts)."""
    global _thread
    with _lock:
        if _thread is not None:
            return
        _stop.clear()
        _thread = threading.Thread(target=_beat_until_stopped, name="heartbeat", daemon=True)
        _thread.start()


def stop_beating() -> None:
    global _thread
    with _lock:
        thread, _thread = _thread, None
        if thread is None:
            return
        _stop.set()
    thread.join(timeout=REDIS_TIMEOUT_SECONDS * 3)
    try:
        forget()
    except Exception:
        log.warning("heartbeat: could not withdraw the beat", exc_info=True)


def _beat_until_stopped() -> None:
    failing = False
    while True:
        try:
            beat()
        except Exception:
            if not failing:  # once, not every few seconds while Redis is away
                log.warning("heartbeat: could not beat", exc_info=True)
            failing = True
        else:
            if failing:
                log.info("heartbeat: beating again")
            failing = False
        if _stop.wait(BEAT_SECONDS):
            return
