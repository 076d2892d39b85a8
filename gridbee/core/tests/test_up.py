"""The README's first command, for real: `gridbee up` in a fresh data folder serves the demo
city with its worker, and Ctrl-C stops both."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.fixture
def served(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDBEE_", "DJANGO_"))}
    env["GRIDBEE_DATA_DIR"] = str(tmp_path)  # embedded SQLite, whatever the suite runs on
    process = subprocess.Popen(
        [sys.executable, "-m", "gridbee.cli", "up", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    try:
        wait_for(f"http://127.0.0.1:{port}/api/health")
        deadline = time.monotonic() + 30
        while not any("Huey consumer started" in line for line in lines):
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.2)
        yield port, process, reader, lines
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_up_serves_the_demo_city_and_ctrl_c_stops_everything(served):
    port, process, reader, lines = served
    body = json.loads(wait_for(f"http://127.0.0.1:{port}/api/geo/locate?lat=26.1328&lon=106.6564"))
    assert body["match"] == "grid"
    assert body["regions"][2]["name"] == "惠水县"
    login_page = wait_for(f"http://127.0.0.1:{port}/login/").decode()
    assert "csrfmiddlewaretoken" in login_page

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    reader.join(timeout=5)
    output = "".join(lines)
    assert "13800000001" in output  # the demo accounts are printed
    assert "Consumer exiting" in output  # the worker stopped in order
    assert "GridBee stopped." in output


def test_several_processes_need_redis(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDBEE_")}
    env |= {"GRIDBEE_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "gridbee.settings"}
    done = subprocess.run(
        [sys.executable, "-m", "gridbee.cli", "up", "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "GRIDBEE_REDIS_URL" in done.stderr
    assert not (tmp_path / "gridbee.sqlite3").exists(), "refused before touching the database"
