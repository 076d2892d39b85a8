"""The served app keeps its PostgreSQL connections in a pool: under ASGI each request runs its
sync code in a thread of its own, so connections kept per thread would pile up, one per
request, until the server ran out of them. This serves the real ASGI application in a
process of its own (the suite's own settings do not pool: test threads borrow connections ad
hoc), counts its connections on the server side, and checks that no connection to be had is
a 503 the phone can retry, not a 500."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from gridbee.core.tests.serving import free_port

POOL_SIZE = 3
APP_NAME = f"gridbee-pool-test-{os.getpid()}"


def database_url(name: str) -> str:
    params = connection.settings_dict
    return (
        f"postgres://{params['USER']}:{params['PASSWORD'] or ''}@{params['HOST'] or '127.0.0.1'}"
        f":{params['PORT'] or 5432}/{name}"
    )


@contextlib.contextmanager
def serve(url: str, **settings: int):
    """The ASGI application under uvicorn in a process of its own, on the database at url."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDBEE_", "DJANGO_"))}
    env |= {f"GRIDBEE_{name.upper()}": str(value) for name, value in settings.items()}
    env |= {
        "GRIDBEE_DATABASE_URL": url,
        "PGAPPNAME": APP_NAME,  # libpq names the server's connections, so we can count them
        "DJANGO_SETTINGS_MODULE": "gridbee.settings",
    }
    command = [sys.executable, "-m", "uvicorn", "gridbee.asgi:application", "--port", str(port)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


def wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("connection pooling is PostgreSQL's (SQLite opens a file)")


@pytest.fixture
def pooled_server(postgresql):
    with serve(database_url(connection.settings_dict["NAME"]), database_pool_size=POOL_SIZE) as url:
        yield url


def server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APP_NAME]
        )
        return cursor.fetchone()[0]


def test_many_requests_share_a_few_pooled_connections(pooled_server):
    def get(_):
        with urllib.request.urlopen(f"{pooled_server}/api/health", timeout=30) as response:
            return response.status

    counts = []
    with ThreadPoolExecutor(max_workers=12) as pool:
        for _ in range(5):
            assert set(pool.map(get, range(60))) == {200}
            counts.append(server_connections())
    # 300 requests, 12 at a time: the pool's connections serve them all.
    assert 1 <= max(counts) <= POOL_SIZE, counts
    time.sleep(0.2)
    assert server_connections() <= POOL_SIZE


def test_no_database_to_be_had_is_a_clear_503(postgresql):
    missing = database_url(f"gridbee_missing_{os.getpid()}")
    with (
        serve(missing, database_pool_size=1, database_pool_timeout=1) as url,
        pytest.raises(urllib.error.HTTPError) as refused,
    ):
        urllib.request.urlopen(f"{url}/api/health", timeout=30)
    assert refused.value.code == 503
    assert refused.value.headers["Retry-After"] == "5"
    assert json.loads(refused.value.read())["code"] == "unavailable"
