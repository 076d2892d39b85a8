"""The province rig: GridBee deployed as a province would run it, on one machine, from Debian and
PyPI packages. HAProxy in front of several app processes (health-checked, drained through its
admin socket), a Huey worker, a PostgreSQL primary with a streaming replica (pg_basebackup -R),
PgBouncer in transaction pooling in front of both, Redis, and an S3 API server for the photos.

Every part runs from a rig folder (`var/rig` by default) on fixed ports counted from a base
port, and writes a pid file there: `down` stops exactly what those pid files name (checked
against the process's command line, so a reused pid is never hit), nothing else. Used by
`gridbee rig`, the rig tests and bench/faults.py. Standard library only: it must import before
anything else is installed."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FOLDER = ROOT / "var" / "rig"
DEFAULT_BASE_PORT = 27400
PG_BIN = Path("/usr/lib/postgresql/15/bin")
DEBIAN_PACKAGES = {  # the program that must exist → the Debian package bringing it
    "/usr/sbin/haproxy": "haproxy",
    "/usr/sbin/pgbouncer": "pgbouncer",
    "/usr/bin/redis-server": "redis-server",
    str(PG_BIN / "initdb"): "postgresql-15",
    "/usr/bin/psql": "postgresql-client-15",
}
# The S3 API server lives in a virtualenv of its own (its dependencies are not the app's).
S3_TOOLS = ROOT / ".rig-tools" / "s3"
S3_PACKAGE = "moto[server]>=5.0"
S3_BUCKET = "gridbee-photos"
S3_TEST_BUCKET = "gridbee-test"  # the test suite's, apart from the rig's photos
PG_USER = "postgres"  # initdb, PostgreSQL and PgBouncer refuse to run as root
DATABASE = "gridbee"


class RigError(Exception):
    pass


@dataclass(frozen=True)
class Ports:
    base: int

    @property
    def http(self) -> int:  # HAProxy: the rig's one address
        return self.base

    @property
    def primary(self) -> int:
        return self.base + 1

    @property
    def replica(self) -> int:
        return self.base + 2

    @property
    def bouncer(self) -> int:
        return self.base + 3

    @property
    def redis(self) -> int:
        return self.base + 4

    @property
    def s3(self) -> int:
        return self.base + 5

    def app(self, i: int) -> int:
        return self.base + 10 + i


class Rig:
    def __init__(
        self,
        folder: Path = DEFAULT_FOLDER,
        base_port: int = DEFAULT_BASE_PORT,
        apps: int = 2,
        settings: dict[str, str] | None = None,
    ):
        self.folder = Path(folder).resolve()
        self.settings = settings or {}  # more GRIDBEE_* for the app processes and the worker
        self.ports = Ports(base_port)
        self.apps = apps
        self.run = self.folder / "run"
        self.logs = self.folder / "log"

    # --- what the app processes are told -------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports.http}"

    def primary_url(self) -> str:
        return f"postgres://{PG_USER}@127.0.0.1:{self.ports.primary}/{DATABASE}"

    def replica_direct_url(self) -> str:
        return f"postgres://{PG_USER}@127.0.0.1:{self.ports.replica}/{DATABASE}"

    def env(self) -> dict[str, str]:
        """GridBee's settings for a process of the rig: the database through PgBouncer."""
        bouncer = f"postgres://{PG_USER}@127.0.0.1:{self.ports.bouncer}"
        return {
            "GRIDBEE_DATABASE_URL": f"{bouncer}/{DATABASE}",
            "GRIDBEE_DATABASE_REPLICA_URL": f"{bouncer}/{DATABASE}_replica",
            "GRIDBEE_DATABASE_PREPARED_STATEMENTS": "false",
            "GRIDBEE_REDIS_URL": f"redis://127.0.0.1:{self.ports.redis}/0",
            "GRIDBEE_REDIS_PREFIX": "gridbee-rig",
            "GRIDBEE_DATA_DIR": str(self.folder / "data"),
            "GRIDBEE_S3_ENDPOINT_URL": f"http://127.0.0.1:{self.ports.s3}",
            "GRIDBEE_S3_BUCKET": S3_BUCKET,
            "GRIDBEE_S3_ACCESS_KEY": "rig",
            "GRIDBEE_S3_SECRET_KEY": "rig-secret",
            "GRIDBEE_S3_REGION": "us-east-1",
            "GRIDBEE_TRUSTED_PROXIES": "127.0.0.1",
            "PYTHONUNBUFFERED": "1",
            **self.settings,
        }

    def test_env(self) -> dict[str, str]:
        """GridBee's settings for the test suite against the running rig: pytest-django makes
        its test database on the primary (directly: PgBouncer cannot create databases), the
        replica mirrors it, Redis in a database of its own with a prefix of its own, photos
        in a bucket of their own on the rig's S3 server."""
        rig = self.env()
        return _clean_environ() | {
            "GRIDBEE_DATABASE_URL": self.primary_url(),
            "GRIDBEE_DATABASE_REPLICA_URL": self.replica_direct_url(),
            "GRIDBEE_REDIS_URL": f"redis://127.0.0.1:{self.ports.redis}/1",
            "GRIDBEE_REDIS_PREFIX": f"rig-test-{os.getpid()}",
            **{k: rig[k] for k in rig if k.startswith("GRIDBEE_S3_")},
            "GRIDBEE_S3_BUCKET": S3_TEST_BUCKET,
        }

    def test(self, pytest_args: list[str]) -> int:
        """The whole test suite (or pytest_args) against the running rig; pytest's exit code."""
        self._make_bucket(S3_TEST_BUCKET)
        command = [sys.executable, "-m", "pytest", *pytest_args]
        return subprocess.run(command, env=self.test_env(), cwd=ROOT).returncode

    # --- up and down ---------------------------------------------------------------------

    def up(self, demo: bool = False, say=print) -> None:
        install_missing(say)
        for d in (self.run, self.logs, self.folder / "data"):
            d.mkdir(parents=True, exist_ok=True)
        say(f"rig folder {self.folder}")
        self.start_primary()
        self.start_replica()
        self.start_bouncer()
        self.start_redis()
        self.start_s3()
        self.migrate(demo)
        for i in range(self.apps):
            self.start_app(i)
        self.start_worker()
        self.start_haproxy()
        self.wait_healthy(60)
        say(f"GridBee (province rig) is at {self.url}/")

    def down(self, say=print) -> list[str]:
        """Stops what the pid files name, in the reverse order of up; returns their names."""
        stopped = []
        order = ["haproxy", *[f"app{i}" for i in range(16)], "worker", "s3", "redis", "bouncer"]
        for name in order:
            if self.stop(name):
                stopped.append(name)
        for name in ("replica", "primary"):
            if self.stop_postgres(name):
                stopped.append(name)
        say(f"stopped: {', '.join(stopped) or 'nothing (no rig running)'}")
        return stopped

    # --- PostgreSQL ----------------------------------------------------------------------

    def _pg_dir(self, name: str) -> Path:
        return self.folder / "pg" / name

    def _as_postgres(self, *command: str, **kw) -> subprocess.CompletedProcess:
        if os.geteuid() == 0:
            command = ("runuser", "-u", PG_USER, "--", *command)
        return subprocess.run(command, check=True, capture_output=True, text=True, **kw)

    def _own_for_postgres(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.geteuid() == 0:
            shutil.chown(path, PG_USER, PG_USER)

    def start_primary(self) -> None:
        data = self._pg_dir("primary")
        if not (data / "PG_VERSION").exists():
            self._own_for_postgres(data.parent)
            self._own_for_postgres(data)
            self._as_postgres(
                str(PG_BIN / "initdb"), "-D", str(data), "-U", PG_USER, "--auth=trust",
                "-E", "UTF8", "--locale=C.UTF-8",
            )  # fmt: skip
            with open(data / "postgresql.conf", "a") as conf:
                conf.write(
                    "\n# province rig\nlisten_addresses = '127.0.0.1'\n"
                    "unix_socket_directories = ''\nwal_level = replica\nmax_wal_senders = 5\n"
                    "hot_standby = on\ntimezone = 'UTC'\nmax_connections = 200\n"
                    "wal_keep_size = '256MB'\n"
                )
        self._pg_start("primary")
        exists = self.psql(self.ports.primary, "postgres", "SELECT 1 FROM pg_database "
                           f"WHERE datname = '{DATABASE}'")  # fmt: skip
        if not exists.strip():
            self.psql(self.ports.primary, "postgres", f"CREATE DATABASE {DATABASE}")

    def start_replica(self) -> None:
        data = self._pg_dir("replica")
        if not (data / "PG_VERSION").exists():
            self._own_for_postgres(data)
            self._as_postgres(
                str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.ports.primary),
                "-U", PG_USER, "-D", str(data), "-R", "-X", "stream",
            )  # fmt: skip
        self._pg_start("replica")

    def _pg_start(self, name: str) -> None:
        if self.postgres_pid(name):
            return
        port = self.ports.primary if name == "primary" else self.ports.replica
        log = self.logs / f"{name}.log"
        log.touch()
        if os.geteuid() == 0:
            shutil.chown(log, PG_USER, PG_USER)
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self._pg_dir(name)), "-l", str(log),
            "-o", f"-p {port}", "-w", "-t", "60", "start",
        )  # fmt: skip

    def postgres_pid(self, name: str) -> int | None:
        pid_file = self._pg_dir(name) / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        return pid if _cmdline(pid).startswith(str(PG_BIN / "postgres")) else None

    def stop_postgres(self, name: str, mode: str = "fast") -> bool:
        if not self.postgres_pid(name):
            return False
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self._pg_dir(name)), "-m", mode, "-w", "stop"
        )
        return True

    def restart_postgres(self, name: str) -> None:
        self.stop_postgres(name)
        self._pg_start(name)

    def psql(self, port: int, database: str, sql: str) -> str:
        return subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", PG_USER, "-d", database,
             "-XAtq", "-c", sql],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip

    # --- PgBouncer, Redis, S3 --------------------------------------------------------------

    def start_bouncer(self) -> None:
        if self.pid("bouncer"):
            return
        folder = self.folder / "pgbouncer"
        self._own_for_postgres(folder)
        (folder / "users.txt").write_text(f'"{PG_USER}" ""\n')
        pid_file = self.run / "bouncer.pid"
        (folder / "pgbouncer.ini").write_text(
            f"""[databases]
{DATABASE} = host=127.0.0.1 port={self.ports.primary} dbname={DATABASE}
{DATABASE}_replica = host=127.0.0.1 port={self.ports.replica} dbname={DATABASE}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.ports.bouncer}
unix_socket_dir =
auth_type = trust
auth_file = {folder / "users.txt"}
pool_mode = transaction
max_client_conn = 2000
default_pool_size = 20
reserve_pool_size = 5
server_connect_timeout = 3
server_login_retry = 1
query_wait_timeout = 30
ignore_startup_parameters = extra_float_digits,options
pidfile = {folder / "pgbouncer.pid"}
logfile = {self.logs / "bouncer.log"}
admin_users = {PG_USER}
"""
        )
        for f in folder.iterdir():
            if os.geteuid() == 0:
                shutil.chown(f, PG_USER, PG_USER)
        log = self.logs / "bouncer.log"
        log.touch()
        if os.geteuid() == 0:
            shutil.chown(log, PG_USER, PG_USER)
        self._as_postgres("/usr/sbin/pgbouncer", "-d", str(folder / "pgbouncer.ini"))
        _wait(lambda: (folder / "pgbouncer.pid").exists(), 10, "PgBouncer did not start")
        pid = (folder / "pgbouncer.pid").read_text().strip()
        pid_file.write_text(f"{pid}\n/usr/sbin/pgbouncer -d {folder / 'pgbouncer.ini'}\n")
        _wait_port(self.ports.bouncer, 10)

    def start_redis(self) -> None:
        if self.pid("redis"):
            return
        folder = self.folder / "redis"
        folder.mkdir(exist_ok=True)
        # appendonly: the task queue survives a restart of Redis (the fault harness does one).
        self.spawn(
            "redis",
            ["/usr/bin/redis-server", "--port", str(self.ports.redis), "--bind", "127.0.0.1",
             "--dir", str(folder), "--appendonly", "yes", "--appendfsync", "everysec",
             "--save", "", "--daemonize", "no"],
            signature=f"redis-server 127.0.0.1:{self.ports.redis}",  # as it renames itself
        )  # fmt: skip
        _wait_port(self.ports.redis, 10)

    def start_s3(self) -> None:
        if not self.pid("s3"):
            server = S3_TOOLS / "bin" / "moto_server"
            self.spawn("s3", [str(server), "-H", "127.0.0.1", "-p", str(self.ports.s3)])
            _wait_port(self.ports.s3, 30)
        self._make_bucket()

    def _make_bucket(self, bucket: str = S3_BUCKET) -> None:
        request = urllib.request.Request(f"http://127.0.0.1:{self.ports.s3}/{bucket}",
                                         method="PUT")  # fmt: skip
        try:
            urllib.request.urlopen(request, timeout=10).read()
        except urllib.error.HTTPError as exc:
            if exc.code != 409:  # already there
                raise

    # --- GridBee's own processes ---------------------------------------------------------

    def _gridbee(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "gridbee.cli", *args]

    def migrate(self, demo: bool) -> None:
        env = _clean_environ() | self.env() | {"GRIDBEE_DATABASE_URL": self.primary_url()}
        env.pop("GRIDBEE_DATABASE_REPLICA_URL")
        subprocess.run(self._gridbee("migrate", "--no-input", "-v", "0"), check=True, env=env,
                       cwd=ROOT)  # fmt: skip
        if demo:
            code = "from gridbee.site.demo import *; database_is_empty() and create_demo_city()"
            subprocess.run(self._gridbee("shell", "-c", code), check=True, env=env, cwd=ROOT)

    def start_app(self, i: int) -> None:
        if self.pid(f"app{i}"):
            return
        self.spawn(
            f"app{i}",
            [sys.executable, "-m", "uvicorn", "gridbee.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.ports.app(i)), "--lifespan", "off", "--no-access-log",
             "--timeout-graceful-shutdown", "5"],
            env=self.env(),
        )  # fmt: skip
        self.wait_http(f"http://127.0.0.1:{self.ports.app(i)}/api/health", 60)

    def start_worker(self) -> None:
        if not self.pid("worker"):
            self.spawn("worker", self._gridbee("run_huey", "--workers", "2"), env=self.env())

    def start_haproxy(self) -> None:
        if self.pid("haproxy"):
            return
        servers = "\n".join(
            f"    server app{i} 127.0.0.1:{self.ports.app(i)} check inter 1s fall 3 rise 1"
            for i in range(self.apps)
        )
        config = self.folder / "haproxy.cfg"
        config.write_text(
            f"""global
    maxconn 4000
    stats socket {self.run / "haproxy.sock"} mode 600 level admin

defaults
    mode http
    option httplog
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    timeout tunnel 1h
    timeout http-request 60s
    retries 3
    option redispatch

frontend gridbee
    bind 127.0.0.1:{self.ports.http}
    option forwardfor
    default_backend apps

backend apps
    balance leastconn
    option httpchk GET /api/health
    http-check expect status 200
    timeout check 5s
{servers}
"""
        )
        self.spawn("haproxy", ["/usr/sbin/haproxy", "-db", "-f", str(config)])
        _wait_port(self.ports.http, 10)

    def haproxy(self, command: str) -> str:
        """One command on HAProxy's admin socket (e.g. `set server apps/app0 state drain`)."""
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(str(self.run / "haproxy.sock"))
            s.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def drain_and_restart_app(self, i: int, drain_wait: float = 2.0) -> None:
        """A rolling restart of one app process: no new requests, the open ones finish, the
        process stops gracefully (SIGTERM), starts again and takes requests again."""
        self.haproxy(f"set server apps/app{i} state drain")
        time.sleep(drain_wait)
        self.stop(f"app{i}")
        self.start_app(i)
        self.haproxy(f"set server apps/app{i} state ready")

    # --- processes and their pid files ----------------------------------------------------

    def spawn(
        self, name: str, command: list[str], env: dict | None = None, signature: str = ""
    ) -> int:
        """Starts a part in a session of its own; its pid file holds the pid and what its
        command line shows (``signature``, else the command itself)."""
        with open(self.logs / f"{name}.log", "ab") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=_clean_environ() | (env or {}),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # outlives `gridbee rig up`; stopped by `rig down`
            )
        signature = signature or " ".join(command)
        (self.run / f"{name}.pid").write_text(f"{process.pid}\n{signature}\n")
        return process.pid

    def pid(self, name: str) -> int | None:
        """The live process a pid file names, if its command line is still the one started."""
        try:
            pid_text, *rest = (self.run / f"{name}.pid").read_text().splitlines()
            pid = int(pid_text)
        except (OSError, ValueError):
            return None
        started = rest[0] if rest else None
        return pid if started and started in _cmdline(pid) else None

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> bool:
        pid = self.pid(name)
        if not pid:
            (self.run / f"{name}.pid").unlink(missing_ok=True)
            return False
        os.kill(pid, sig)
        if not _wait(lambda: not _alive(pid), timeout):
            os.kill(pid, signal.SIGKILL)
            _wait(lambda: not _alive(pid), 5)
        (self.run / f"{name}.pid").unlink(missing_ok=True)
        return True

    def kill(self, name: str) -> None:
        """SIGKILL, as the OOM killer or a power cut would (the fault harness)."""
        self.stop(name, signal.SIGKILL, timeout=5)

    def wait_http(self, url: str, timeout: float) -> None:
        def answers() -> bool:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        if not _wait(answers, timeout, interval=0.2):
            raise RigError(f"{url} did not answer within {timeout:.0f} s; logs: {self.logs}")

    def health(self) -> dict | None:
        try:
            with urllib.request.urlopen(self.url + "/api/health", timeout=2) as response:
                return json.loads(response.read())
        except (OSError, ValueError):
            return None

    def wait_healthy(self, timeout: float) -> None:
        """Until HAProxy answers and the app sees the database, Redis and the worker's beat."""
        if not _wait(lambda: (self.health() or {}).get("status") == "ok", timeout, interval=0.3):
            raise RigError(f"not healthy after {timeout:.0f} s: {self.health()}; {self.logs}")

    def status(self) -> dict:
        names = ["haproxy", *[f"app{i}" for i in range(self.apps)], "worker", "s3", "redis",
                 "bouncer"]  # fmt: skip
        state = {n: self.pid(n) for n in names}
        state |= {n: self.postgres_pid(n) for n in ("primary", "replica")}
        return state


def install_missing(say=print) -> None:
    """Debian's haproxy, pgbouncer, redis and PostgreSQL 15 when missing (as root), and the S3
    API server's virtualenv; the app's own S3 client (django-storages, boto3) into this one."""
    missing = sorted({pkg for path, pkg in DEBIAN_PACKAGES.items() if not Path(path).exists()})
    if missing:
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            raise RigError(f"missing Debian packages: {' '.join(missing)} (apt-get install)")
        say(f"installing {' '.join(missing)}")
        env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env)
    if not (S3_TOOLS / "bin" / "moto_server").exists():
        say(f"installing the S3 API server ({S3_PACKAGE}) into {S3_TOOLS}")
        subprocess.run([sys.executable, "-m", "venv", str(S3_TOOLS)], check=True)
        pip = [str(S3_TOOLS / "bin" / "pip"), "install", "-q", "--disable-pip-version-check"]
        subprocess.run([*pip, S3_PACKAGE], check=True)
    try:
        import boto3  # noqa: F401
        import storages  # noqa: F401
    except ImportError:
        say("installing django-storages[s3] and boto3")
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "django-storages[s3]>=1.14",
             "boto3>=1.35"],
            check=True,
        )  # fmt: skip


def _clean_environ() -> dict[str, str]:
    """This process's environment without GridBee's settings (a test's, a developer's): the
    rig's processes get exactly the rig's."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GRIDBEE_") and k != "DJANGO_SETTINGS_MODULE"
    }


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _wait(check, timeout: float, message: str = "", interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    if message:
        raise RigError(message)
    return False


def _wait_port(port: int, timeout: float) -> None:
    def listening() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    _wait(listening, timeout, f"nothing listens on port {port} after {timeout:.0f} s")


def describe(rig: Rig) -> str:
    return json.dumps({"url": rig.url, "folder": str(rig.folder), **rig.status()})
