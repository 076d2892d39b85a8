"""The province rig for real: PostgreSQL primary and streaming replica behind PgBouncer, Redis,
the S3 server, two app processes behind HAProxy and the worker, all started by the rig itself.
Slow (a minute to set up), so only with GRIDBEE_RIG_TESTS=1 (`.ci/run` sets it)."""

import io
import json
import os
import random
import shutil
import socket
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from PIL import Image

from gridbee.site.rig import DEBIAN_PACKAGES, Rig

pytestmark = pytest.mark.rig
PARTNER = "13800000001"  # demo partner 李明
PASSWORD = "gridbee2026"  # the demo city's public password
RYW_SECONDS = 4


def _why_not() -> str | None:
    if os.environ.get("GRIDBEE_RIG_TESTS") != "1":
        return "the rig tests run with GRIDBEE_RIG_TESTS=1 (a minute of setup; .ci/run does)"
    if os.geteuid() != 0:
        missing = [path for path in DEBIAN_PACKAGES if not Path(path).exists()]
        if missing:
            return f"not root and missing {', '.join(missing)}: apt-get install " + " ".join(
                DEBIAN_PACKAGES[p] for p in missing
            )
    return None


def _free_base_port() -> int:
    for _ in range(50):
        base = random.randrange(30000, 60000, 20)
        try:
            for port in range(base, base + 16):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no 16 free ports in a row")


@pytest.fixture(scope="module")
def rig():
    if reason := _why_not():
        pytest.skip(reason)
    # Not under pytest's own (private) temporary folder: PostgreSQL runs as its own user.
    folder = Path(tempfile.mkdtemp(prefix="gridbee-rig-"))
    folder.chmod(0o755)
    rig = Rig(folder, _free_base_port(), settings={"GRIDBEE_READ_YOUR_WRITES_SECONDS": "4"})
    try:
        rig.up(demo=True, say=lambda _: None)
        yield rig
    finally:
        rig.down(say=lambda _: None)
        shutil.rmtree(folder, ignore_errors=True)


class Phone:
    """A partner's phone: a bearer token and no cookies (as the mobile app)."""

    def __init__(self, base: str, mobile: str):
        self.base = base
        answer = self.call("POST", "/api/auth/token", {"mobile": mobile, "password": PASSWORD})
        self.token = answer["token"]

    def call(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        headers = {"Content-Type": "application/json", **(headers or {})}
        if getattr(self, "token", None):
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return json.loads(raw) if "json" in response.headers["Content-Type"] else raw

    def report(self) -> int:
        boundary = uuid.uuid4().hex
        fields = {"category": "overflowing_bins", "lat": "26.1328", "lon": "106.6564"}
        buffer = io.BytesIO()
        Image.new("RGB", (640, 480), (180, 40, 40)).save(buffer, "JPEG")
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        parts += [
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; '
            f'filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode(),
            buffer.getvalue(),
            f"\r\n--{boundary}--\r\n".encode(),
        ]
        answer = self.call(
            "POST",
            "/api/reports",
            b"".join(parts),
            {
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Idempotency-Key": uuid.uuid4().hex,
            },
        )
        return answer["report_id"]

    def my_report_ids(self) -> set[int]:
        return {r["id"] for r in self.call("GET", "/api/reports/mine?limit=200")}


def test_the_rig_serves_through_haproxy_with_a_streaming_replica_and_s3(rig):
    health = json.loads(urllib.request.urlopen(rig.url + "/api/health", timeout=10).read())
    assert health == {"status": "ok", "database": "ok", "redis": "ok", "worker": "ok"}
    assert all(rig.status().values()), rig.status()
    assert rig.psql(rig.ports.primary, "postgres", "SELECT state FROM pg_stat_replication")
    assert rig.psql(rig.ports.replica, "postgres", "SELECT pg_is_in_recovery()").strip() == "t"
    phone = Phone(rig.url, PARTNER)
    report_id = phone.report()
    mine = {r["id"]: r for r in phone.call("GET", "/api/reports/mine")}
    photo = phone.call("GET", f"/api/photos/{mine[report_id]['photo_ids'][0]}")
    assert photo[:2] == b"\xff\xd8"  # a JPEG, read back from the S3 server
    listing = urllib.request.urlopen(f"http://127.0.0.1:{rig.ports.s3}/gridbee-photos").read()
    assert b"reports/" in listing


def test_a_writer_reads_its_write_while_the_replica_lags(rig):
    """With the replica's replay paused (a replica far behind), a partner's own list right after
    their report comes from the primary and shows it, on every app process; once the mark has
    expired the list comes from the replica, without it, until the replica catches up."""
    replica = rig.ports.replica
    phone = Phone(rig.url, PARTNER)
    before = phone.my_report_ids()
    rig.psql(replica, "postgres", "SELECT pg_wal_replay_pause()")
    try:
        new = phone.report()
        for _ in range(6):  # HAProxy spreads these over both app processes
            assert new in phone.my_report_ids()
        time.sleep(RYW_SECONDS + 1.5)
        assert phone.my_report_ids() == before  # the lagging replica answers now
    finally:
        rig.psql(replica, "postgres", "SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 20
    while new not in phone.my_report_ids():
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.2)


def test_down_stops_exactly_what_up_started(tmp_path):
    """A rig folder whose pid files name processes that are not the rig's (a reused pid): down
    touches none of them."""
    if reason := _why_not():
        pytest.skip(reason)
    rig = Rig(tmp_path, _free_base_port())
    rig.run.mkdir(parents=True)
    (rig.run / "app0.pid").write_text(f"{os.getpid()}\n/usr/sbin/haproxy -db -f x\n")
    assert rig.down(say=lambda _: None) == []
    assert not (rig.run / "app0.pid").exists()
