"""`gridbee up` for real, in a process of its own on a free port with its own data folder (and
so its own SQLite database, whatever the suite runs on), for the tests of starting, serving and
stopping. Linux: the server's children are found in /proc."""

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import gridbee

REPO = Path(gridbee.__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 180) -> bytes:
    # A fresh `gridbee up` migrates a new database first: a minute and more on a busy machine.
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def children(pid: int) -> dict[int, str]:
    """The processes whose parent is pid, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except (OSError, IndexError, ValueError):
            continue
    return {child: line.decode(errors="replace") for child, line in found.items()}


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in {"Z", "X"}  # a zombie has stopped; only its parent's wait is missing


def still_running(pids, seconds: float) -> list[int]:
    """Of pids, those still running after waiting up to seconds for them to stop."""
    deadline = time.monotonic() + seconds
    while (left := [p for p in pids if not gone(p)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


@dataclass
class Served:
    process: subprocess.Popen
    port: int
    data_dir: Path
    lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None
    seen: dict[int, str] = field(default_factory=dict)  # its children, to kill any left over

    def children(self) -> dict[int, str]:
        found = children(self.process.pid)
        self.seen |= found
        return found

    def stop(self, signum: int, seconds: float = 30) -> int:
        """Send signum; the exit status, once it has stopped (within seconds) and said all."""
        self.process.send_signal(signum)
        status = self.process.wait(timeout=seconds)
        self.reader.join(timeout=5)
        return status

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> bytes:
        return wait_for(self.url(path))

    def health(self) -> dict:
        return json.loads(self.get("/api/health"))

    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_worker(self, seconds: float = 60) -> int:
        """Until the worker beats (the health check says so); its pid."""
        deadline = time.monotonic() + seconds
        while self.health()["worker"] != "ok":
            assert time.monotonic() < deadline, self.output()
            time.sleep(0.3)
        (pid,) = [p for p, line in self.children().items() if "run_huey" in line]
        return pid


@contextlib.contextmanager
def serve(command: list[str], data_dir: Path, **env_vars: str):
    """command (a `gridbee up`, without --port) served from a clean environment: no GRIDBEE_
    variables but the data folder and env_vars. Whatever it leaves running is killed after."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDBEE_", "DJANGO_"))}
    env |= {"GRIDBEE_DATA_DIR": str(data_dir), **env_vars}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    served = Served(process, port, data_dir)
    served.reader = threading.Thread(
        target=lambda: served.lines.extend(process.stdout), daemon=True
    )
    served.reader.start()
    try:
        deadline = time.monotonic() + 180  # the demo city takes a while on a busy machine
        while True:
            served.children()
            try:
                urllib.request.urlopen(served.url("/api/health"), timeout=2).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, served.output()
                time.sleep(0.3)
        yield served
    finally:
        if process.poll() is None:
            served.children()
            process.kill()
            process.wait()
        for pid, command_line in served.seen.items():  # a failed test's orphans go too
            with contextlib.suppress(OSError):
                running = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                if running.decode(errors="replace") == command_line:  # not a pid reused since
                    os.kill(pid, signal.SIGKILL)


def gridbee_up(*args: str) -> list[str]:
    return [sys.executable, "-m", "gridbee.cli", "up", *args]


def readme_first_command(tmp_path: Path) -> list[str]:
    """`python3 run.py up` in a fresh checkout whose .venv is taken as installed: its gridbee
    runs this suite's Python (run.py would otherwise install the locked requirements)."""
    root = tmp_path / "checkout"
    (root / "requirements").mkdir(parents=True)
    for name in ("run.py", "pyproject.toml", "requirements/base.lock"):
        shutil.copy(REPO / name, root / name)
    script = root / ".venv" / "bin" / "gridbee"
    script.parent.mkdir(parents=True)
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m gridbee.cli "$@"\n')
    script.chmod(0o755)
    spec = importlib.util.spec_from_file_location("checkout_run", root / "run.py")
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    run.installed_stamp("base.lock").touch()
    return [sys.executable, str(root / "run.py"), "up"]


@contextlib.contextmanager
def served_in_a_thread():
    """The handler `gridbee up` serves, under uvicorn in a thread of this process (it sees the
    test's settings and database); yields its base URL."""
    import uvicorn

    from gridbee.asgi import SyncChainASGIHandler

    config = uvicorn.Config(
        SyncChainASGIHandler(),
        host="127.0.0.1",
        port=free_port(),
        lifespan="off",
        log_level="warning",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(5)
