import ctypes
import os
import signal
import subprocess
import sys

import uvicorn
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from gridbee.site.demo import create_demo_city, database_is_empty, existing_demo_accounts

SERVER_STOP_SECONDS = 5  # open requests (live streams never end by themselves) get this long
WORKER_STOP_SECONDS = 15  # the worker finishes its running tasks, or is killed

SETUP_STEPS = """\
No administrator yet, and nothing was created. To set up a county, in this order:
  1. gridbee import-regions REGIONS.geojson   its divisions (code, name, level, parent_code)
  2. gridbee import-grids GRIDS.geojson       its grids (code, name, kind)
  3. gridbee create-admin --mobile 13XXXXXXXXX --name NAME
                                              the first administrator (asks for a password),
                                              who then adds everyone else
To look around the demo city instead, start an empty database with `gridbee up --demo`
(`python3 run.py up` does): its accounts' password is public, never for real use."""


class Command(BaseCommand):
    help = (
        "Migrate and serve GridBee (ASGI) with its background worker. An empty database gets "
        "the demo city only with --demo. Ctrl-C or SIGTERM stops the server, then the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="serve without the worker")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="app processes (more than one needs GRIDBEE_REDIS_URL)",
        )
        parser.add_argument(
            "--demo",
            action="store_true",
            help="on an empty database, create the demo city (惠水县) and its demo accounts",
        )

    def handle(self, *args, host, port, no_worker, workers, demo, **options):
        if workers < 1:
            raise CommandError("--workers must be 1 or more.")
        if workers > 1 and not settings.REDIS_URL:
            # Live updates and the count of open live pages are shared between processes
            # through Redis; without it each process would see only its own.
            raise CommandError("--workers above 1 needs GRIDBEE_REDIS_URL (shared live updates).")
        # SIGTERM (kill, systemd, docker stop) ends as Ctrl-C does. While uvicorn serves it
        # takes both signals over, shuts the server down, then raises the signal again here.
        signal.signal(signal.SIGTERM, _interrupt)
        self.stdout.write("Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        if demo:
            if database_is_empty():
                self.stdout.write("Empty database: creating the demo city (惠水县)…")
                create_demo_city()
            elif not existing_demo_accounts():
                self.stdout.write("The database is not empty: no demo city added to it.")
        self._print_welcome(host, port)
        worker = None
        try:
            if not no_worker:
                worker = self._start_worker()
            uvicorn.run(
                "gridbee.asgi:application",
                host=host,
                port=port,
                workers=workers,
                lifespan="off",
                log_level="info",
                timeout_graceful_shutdown=SERVER_STOP_SECONDS,
            )
        except KeyboardInterrupt:
            pass  # a signal before uvicorn had taken them over
        finally:
            if worker is not None:
                self._stop(worker)
        self.stdout.write("GridBee stopped.")

    def _print_welcome(self, host: str, port: int) -> None:
        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
        self.stdout.write(self.style.SUCCESS(f"\nGridBee is at http://{shown}:{port}/"))
        self.stdout.write(f"API docs: http://{shown}:{port}/api/docs")
        accounts = existing_demo_accounts()
        if accounts:
            self.stdout.write("Demo accounts (mobile / password):")
            for a in accounts:
                self.stdout.write(f"  {a['role']:<12} {a['mobile']}  {a['password']}  {a['name']}")
        elif not get_user_model().objects.filter(is_superuser=True, is_active=True).exists():
            self.stdout.write(self.style.WARNING(SETUP_STEPS))
        self.stdout.write("Press Ctrl-C to stop.\n")

    def _start_worker(self) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "gridbee.cli", "run_huey", "--workers", "2"],
            start_new_session=True,  # a Ctrl-C in the terminal reaches us; we stop it in order
            preexec_fn=_die_with_parent() if sys.platform == "linux" else None,
        )

    def _stop(self, worker: subprocess.Popen) -> None:
        # A second Ctrl-C or SIGTERM while we wait means: now.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _interrupt)
        if worker.poll() is not None:
            return
        worker.send_signal(signal.SIGINT)  # Huey: finish running tasks, then exit
        try:
            worker.wait(timeout=WORKER_STOP_SECONDS)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            worker.kill()
            worker.wait()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _die_with_parent():
    """For the worker, between fork and exec: Linux sends it SIGINT (a graceful stop) when
    this process dies, even by SIGKILL or the OOM killer, so it never runs on alone."""
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here, before the fork
    parent, pr_set_pdeathsig, sigint = os.getpid(), 1, int(signal.SIGINT)

    def in_child():
        prctl(pr_set_pdeathsig, sigint)
        if os.getppid() != parent:  # it died already, before prctl took
            os._exit(1)

    return in_child
