"""Requests over MAX_REQUEST_BYTES are refused before they are read: a declared length at
once, a chunked body (which declares none) where it crosses the limit, with nothing beyond
the limit ever reaching the disk. Through the served ASGI application in a process of its
own, as in production, and a fast check calling the application directly."""

import asyncio
import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.handlers import asgi as django_asgi
from django.db import connection
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from gridbee.core.tests.serving import free_port
from gridbee.core.tests.test_connections import database_url, wait_for_port
from gridbee.geo.tests import layers
from gridbee.reports.tests import images

LIMIT = settings.MAX_REQUEST_BYTES
CHINESE = "上传内容过大（合计不超过 40 MB）。"


@contextlib.contextmanager
def serve(tmp_path: Path, database: str | None = None):
    """uvicorn serving gridbee.asgi in a process of its own, its temporary files in a fresh
    folder; yields the port, the process id and that folder."""
    port, temp = free_port(), tmp_path / "tmp"
    temp.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDBEE_", "DJANGO_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "gridbee.settings",
        "GRIDBEE_DATA_DIR": str(tmp_path / "data"),
        "TMPDIR": str(temp),
    }
    if database:
        # The test's own database: the server shares its secret key too, which tokens and
        # sessions are checked against.
        env |= {"GRIDBEE_DATABASE_URL": database, "GRIDBEE_SECRET_KEY": settings.SECRET_KEY}
    command = [sys.executable, "-m", "uvicorn", "gridbee.asgi:application", "--port", str(port)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        wait_for_port(port)
        yield port, process.pid, temp
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:  # still waiting for a body it should have refused
            process.kill()
            process.wait()


def read_answer(sock: socket.socket) -> tuple[int, dict, bytes]:
    """Status, headers and body of the one answer on the connection (closed after it)."""
    data = b""
    with contextlib.suppress(ConnectionResetError):  # a reset may follow the answer
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def spooled_bytes(pid: int, folder: Path) -> int:
    """What the server process holds open in the folder (deleted temporary files included)."""
    total = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith(str(folder)):
                total += os.stat(f"/proc/{pid}/fd/{fd}").st_size
    return total


def test_a_declared_fifty_megabytes_is_refused_at_once_unread(tmp_path):
    with serve(tmp_path) as (port, _pid, _temp):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        start = time.monotonic()
        sock.sendall(
            b"POST /api/reports HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: %d\r\n\r\n--x\r\n" % (50 * 1024 * 1024)
        )
        status, headers, body = read_answer(sock)  # the 49.99 MB left are never sent
        elapsed = time.monotonic() - start
        sock.close()
    assert status == 413 and headers["connection"] == "close"
    assert json.loads(body) == {"code": "reports.upload_too_large", "message": CHINESE}
    assert elapsed < 3


def test_a_chunked_body_is_cut_off_at_the_limit_and_never_spooled_past_it(tmp_path):
    total = 2 * LIMIT  # far more than the socket buffers on the way can hold
    chunk = 256 * 1024
    with serve(tmp_path) as (port, pid, temp):
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        sock.sendall(
            b"POST /api/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\nAccept-Language: en\r\n\r\n"
        )
        peak, sent, done = [0], [0], threading.Event()

        def watch():
            while not done.is_set():
                peak[0] = max(peak[0], spooled_bytes(pid, temp))
                time.sleep(0.002)

        def upload():
            piece = b"%x\r\n%s\r\n" % (chunk, b"x" * chunk)
            with contextlib.suppress(OSError):  # the server stops reading and closes
                while sent[0] < total:
                    sock.sendall(piece)
                    sent[0] += chunk
                sock.sendall(b"0\r\n\r\n")

        watcher, uploader = threading.Thread(target=watch), threading.Thread(target=upload)
        watcher.start()
        uploader.start()
        status, _headers, body = read_answer(sock)
        uploader.join()
        time.sleep(0.2)  # the server has closed what it spooled
        done.set()
        watcher.join()
        left = spooled_bytes(pid, temp)
        sock.close()
    assert status == 413
    assert json.loads(body) == {
        "code": "reports.upload_too_large",
        "message": "The upload is too large (at most 40 MB in all).",
    }
    assert 0 < peak[0] <= LIMIT, peak[0]
    assert sent[0] < total, "the server read the whole body"
    assert left == 0 and not any(temp.iterdir())


@pytest.mark.django_db(transaction=True)
def test_a_report_of_ordinary_size_still_goes_through(tmp_path, county):
    from gridbee.cases.models import Report
    from gridbee.people.actions.auth import issue_token
    from gridbee.people.tests import county as county_module

    login = RequestFactory().post("/api/auth/token")
    token, _ = issue_token(login, county.partner_user.mobile, county_module.PASSWORD)
    name = connection.settings_dict["NAME"]
    url = f"sqlite:///{name}" if connection.vendor == "sqlite" else database_url(name)
    photos = [io.BytesIO(images.jpeg(2048, 1536)) for _ in range(3)]
    for n, photo in enumerate(photos):
        photo.name = f"{n}.jpg"
    body = encode_multipart(
        BOUNDARY,
        {"category": "overflowing_bins", "lat": layers.Y0 + 0.005, "lon": layers.X0 + 0.005,
         "photos": photos},
    )  # fmt: skip
    with serve(tmp_path, url) as (port, _pid, _temp):
        sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        sock.sendall(
            b"POST /api/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + f"Authorization: Bearer {token}\r\nIdempotency-Key: ordinary\r\n".encode()
            + f"Content-Type: {MULTIPART_CONTENT}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        status, _headers, answer = read_answer(sock)
        sock.close()
    assert status == 201, answer
    assert Report.objects.filter(pk=json.loads(answer)["report_id"]).exists()


# The same, calling the application directly: fast, and it sees what Django spools.


SPOOL = tempfile.SpooledTemporaryFile


class CountingSpool:
    """Django's spooled body file, counting what is written to it."""

    largest = 0

    def __init__(self, *args, **kwargs):
        self.file = SPOOL(*args, **kwargs)

    def write(self, data):
        written = self.file.write(data)
        CountingSpool.largest = max(CountingSpool.largest, self.file.tell())
        return written

    def __getattr__(self, name):
        return getattr(self.file, name)


def call(headers: list[tuple[bytes, bytes]], chunks) -> tuple[list[dict], int]:
    """The messages the application sent, and how many body chunks it asked for."""
    from gridbee.asgi import application

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/reports",
        "query_string": b"",
        "headers": headers,
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 1),
    }
    sent, asked = [], [0]

    async def receive():
        asked[0] += 1
        return next(chunks, {"type": "http.disconnect"})

    async def send(message):
        sent.append(message)

    # In a thread of its own: a browser test before this one in the same process leaves
    # Playwright's event loop running in this thread.
    worker = threading.Thread(target=asyncio.run, args=(application(scope, receive, send),))
    worker.start()
    worker.join(60)
    return sent, asked[0]


def chunked_body(size: int, chunk: int):
    """A body of size bytes in chunks (finite: were the guard missing, Django would read on)."""
    for start in range(0, size, chunk):
        yield {"type": "http.request", "body": b"x" * chunk, "more_body": start + chunk < size}


def test_the_application_refuses_a_declared_length_without_asking_for_the_body():
    sent, asked = call(
        [(b"content-length", str(LIMIT + 1).encode())], chunked_body(2 * LIMIT, 1024 * 1024)
    )
    assert asked == 0
    assert sent[0]["status"] == 413 and (b"connection", b"close") in sent[0]["headers"]
    assert json.loads(sent[1]["body"])["message"] == CHINESE


def test_the_application_stops_a_growing_body_at_the_limit(monkeypatch):
    monkeypatch.setattr(django_asgi.tempfile, "SpooledTemporaryFile", CountingSpool)
    monkeypatch.setattr(CountingSpool, "largest", 0)
    chunk = 1024 * 1024
    sent, asked = call([(b"accept-language", b"en")], chunked_body(2 * LIMIT, chunk))
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["code"] == "reports.upload_too_large"
    assert asked == LIMIT // chunk + 1  # the chunk crossing the limit is the last one read
    assert CountingSpool.largest <= LIMIT
