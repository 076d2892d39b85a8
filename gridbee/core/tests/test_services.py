"""The scale-out parts for real: with GRIDBEE_REDIS_URL set (as in CI), the cache and the task
queue live in Redis; without it, in memory and in SQLite. Either way they must work."""

import os
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from huey import RedisHuey, SqliteHuey

REDIS = bool(os.environ.get("GRIDBEE_REDIS_URL"))


def test_the_cache_is_the_configured_one_and_round_trips():
    backend = type(caches["default"]).__name__
    assert backend == ("RedisCache" if REDIS else "LocMemCache")
    key = f"test:{uuid.uuid4().hex}"
    cache.set(key, {"grid": "522731001001001"}, timeout=30)
    assert cache.get(key) == {"grid": "522731001001001"}
    assert cache.add(f"{key}:n", 0) and cache.incr(f"{key}:n") == 1
    cache.delete(f"{key}:n")
    cache.delete(key)
    assert cache.get(key) is None


@pytest.fixture
def real_queue(tmp_path):
    """A queue on the configured storage (the test settings run tasks inline otherwise)."""
    name = f"gridbee-test-{uuid.uuid4().hex[:8]}"
    if REDIS:
        queue = RedisHuey(name, url=settings.REDIS_URL)
    else:
        queue = SqliteHuey(name, filename=str(tmp_path / "huey.sqlite3"))
    yield queue
    queue.flush()


def test_a_task_goes_through_the_configured_queue_storage(real_queue):
    @real_queue.task()
    def add(a, b):
        return a + b

    result = add(2, 3)
    assert real_queue.pending_count() == 1  # stored, not run: a worker takes it from storage
    task = real_queue.dequeue()
    real_queue.execute(task)
    assert result.get() == 5
    assert real_queue.pending_count() == 0
