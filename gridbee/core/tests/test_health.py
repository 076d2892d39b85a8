import contextlib
import time
import uuid

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridbee.core import heartbeat

from .serving import free_port


def test_health_answers_ok_with_the_database_in_use(client, db):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_nul_characters_are_refused_before_reaching_the_database(client, db):
    for response in (
        client.post(
            "/api/auth/token",
            {"mobile": "138\x000000", "password": "x"},
            content_type="application/json",
        ),
        client.get("/api/certificates/ab%00cd"),
        client.post("/login/", {"username": "138\x000000", "password": "x"}),
    ):
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_input"


# --- the background worker and Redis ---------------------------------------------------------


@pytest.fixture
def with_worker(settings, tmp_path):
    """Tasks go to a worker (not run inline as in the suite), on a queue of the test's own: its
    heartbeat (a file in the data folder, or a Redis key) is no other test's."""
    settings.HUEY = {**settings.HUEY, "immediate": False, "name": f"test-{uuid.uuid4().hex}"}
    settings.DATA_DIR = tmp_path
    yield
    with contextlib.suppress(redis.RedisError):
        heartbeat.forget()


def health(client) -> dict:
    response = client.get("/api/health")
    assert response.status_code == 200
    return response.json()


def test_a_beating_worker_is_ok_and_a_silent_one_degrades_health(client, db, with_worker):
    assert health(client) | {"database": "ok"} == health(client)  # the database answered
    assert health(client)["worker"] == "down"  # no worker has ever beaten
    assert health(client)["status"] == "degraded"

    heartbeat.beat()
    assert health(client)["worker"] == "ok"
    assert health(client)["status"] == "ok"


def test_a_worker_silent_too_long_is_down(client, db, with_worker, monkeypatch):
    monkeypatch.setattr(heartbeat, "DEAD_AFTER_SECONDS", 0.5)
    heartbeat.beat()
    time.sleep(0.6)
    assert health(client)["worker"] == "down"
    assert health(client)["status"] == "degraded"


def test_a_worker_stopping_in_order_is_down_at_once(client, db, with_worker):
    heartbeat.start_beating()
    deadline = time.monotonic() + 5
    while health(client)["worker"] != "ok":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    heartbeat.stop_beating()
    assert health(client)["worker"] == "down"


def test_redis_out_of_reach_degrades_health_quickly(client, db, with_worker, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    started = time.monotonic()
    answer = health(client)
    assert time.monotonic() - started < 2 * heartbeat.REDIS_TIMEOUT_SECONDS + 1
    assert answer == {"status": "degraded", "database": "ok", "redis": "down", "worker": "unknown"}


def test_health_asks_the_database_once_and_nothing_else(client, db, with_worker):
    with CaptureQueriesContext(connection) as queries:
        health(client)
    assert [q["sql"] for q in queries] == ["SELECT 1"]
