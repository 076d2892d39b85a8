"""What the benchmarks share: which database they fill, wiping it, the machine's load, and the
servers they start (GridBee's, an S3 API server's) and the CPU those use."""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def database_key() -> str:
    """A file-name-safe name of the database in use (its cache files carry it)."""
    url = os.environ.get("GRIDBEE_DATABASE_URL")
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", url.rsplit("/", 1)[-1]) if url else "sqlite"


def wipe() -> None:
    """An empty, migrated database: SQLite's files deleted, PostgreSQL's tables flushed."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        call_command("migrate", verbosity=0)
    else:
        call_command("flush", interactive=False, verbosity=0)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- servers the benchmarks start -----------------------------------------------------------

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Process:
    """A command of ours as a subprocess in a session of its own, its output in a log file;
    stopped with SIGINT (then SIGKILL to its own session only) whatever stopped the caller."""

    def __init__(self, command: list[str], log_path: Path, env: dict | None = None):
        self.command, self.log_path, self.extra_env = command, log_path, env or {}

    def __enter__(self):
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=os.environ | {"PYTHONUNBUFFERED": "1"} | self.extra_env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self.wait_until_up(timeout=90)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{self.command[-1]} stopped at start; see {self.log_path}")
            if self.ready():
                return
            time.sleep(0.3)
        sys.exit(f"{self.command[-1]} did not start within {timeout:.0f} s; see {self.log_path}")

    def ready(self) -> bool:
        return True

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # our own session, nothing else
                self.process.wait()
        self.log.close()

    def cpu_s(self) -> float:
        """CPU seconds used so far by the process and its children."""
        running = processes()
        pids = {self.process.pid}
        for pid, (_, fields) in sorted(running.items()):
            if int(fields[1]) in pids:  # its parent is ours
                pids.add(pid)
        return sum(cpu_s(fields) for pid, (_, fields) in running.items() if pid in pids)


class Server(Process):
    """The real server: `gridbee up --no-worker` on a free port, with `--workers N` processes."""

    def __init__(self, log_path: Path, workers: int = 1, env: dict | None = None):
        self.workers = workers
        self.port = free_port()
        command = [sys.executable, "-m", "gridbee.cli", "up", "--no-worker",
                   "--port", str(self.port), "--workers", str(workers)]  # fmt: skip
        super().__init__(command, log_path, env)

    def ready(self) -> bool:
        try:
            return self.request("GET", "/api/categories")[0] == 200
        except OSError:
            return False

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(HOST, self.port, timeout=120)

    def request(self, method: str, path: str, body=None, headers=None) -> tuple[int, bytes]:
        conn = self.connection()
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()


class S3Server(Process):
    """moto's S3 API server (a test double, as the rig's) on a free port with one bucket;
    env() is what points the app at it."""

    BUCKET = "gridbee-bench"

    def __init__(self, executable: str, log_path: Path):
        self.port = free_port()
        super().__init__([executable, "-H", HOST, "-p", str(self.port)], log_path)

    def ready(self) -> bool:
        request = urllib.request.Request(f"http://{HOST}:{self.port}/{self.BUCKET}", method="PUT")
        try:
            urllib.request.urlopen(request, timeout=5).read()
            return True
        except urllib.error.HTTPError as exc:
            return exc.code == 409  # already there
        except OSError:
            return False

    def env(self) -> dict[str, str]:
        return {
            "GRIDBEE_S3_ENDPOINT_URL": f"http://{HOST}:{self.port}",
            "GRIDBEE_S3_BUCKET": self.BUCKET,
            "GRIDBEE_S3_ACCESS_KEY": "bench",
            "GRIDBEE_S3_SECRET_KEY": "bench-secret",
            "GRIDBEE_S3_REGION": "us-east-1",
        }


def moto_server(given: str | None) -> str:
    """The S3 API server's command: as given, else the project's virtualenv's, else the
    rig's own (`gridbee rig up` installs it under .rig-tools/s3)."""
    found = [given] if given else []
    found += [str(Path(sys.executable).with_name("moto_server")),
              str(ROOT / ".rig-tools" / "s3" / "bin" / "moto_server"),
              shutil.which("moto_server") or ""]  # fmt: skip
    for path in found:
        if path and Path(path).is_file():
            return path
    sys.exit("no moto_server found: pip install 'moto[server]' or give --s3 PATH")


def processes() -> dict[int, tuple[str, list[str]]]:
    """This machine's processes: pid → (name, the fields of /proc/PID/stat after the name)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, rest = stat.read_text().rsplit(")", 1)
        except (OSError, ValueError):
            continue
        found[int(stat.parent.name)] = (head.split(" (", 1)[1], rest.split())
    return found


def cpu_s(fields: list[str]) -> float:
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
