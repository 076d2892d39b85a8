import signal
import subprocess
import sys

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from gridbee.core.demo import create_demo_city, database_is_empty, existing_demo_accounts


class Command(BaseCommand):
    help = (
        "Migrate, create the demo city if the database is empty, and serve GridBee (ASGI) with "
        "its background worker. Ctrl-C stops both."
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

    def handle(self, *args, host, port, no_worker, workers, **options):
        if workers < 1:
            raise CommandError("--workers must be 1 or more.")
        if workers > 1 and not settings.REDIS_URL:
            # Live updates and login throttling are shared between processes through Redis;
            # without it each process would see only its own.
            raise CommandError("--workers above 1 needs GRIDBEE_REDIS_URL (shared live updates).")
        self.stdout.write("Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        if database_is_empty():
            self.stdout.write("Empty database: creating the demo city (惠水县)…")
            create_demo_city()
        self._print_welcome(host, port)
        worker = None if no_worker else self._start_worker()
        try:
            uvicorn.run(
                "gridbee.asgi:application",
                host=host,
                port=port,
                workers=workers,
                lifespan="off",
                log_level="info",
            )
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
        self.stdout.write("Press Ctrl-C to stop.\n")

    def _start_worker(self) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "gridbee.cli", "run_huey", "--workers", "2"],
            start_new_session=True,  # our Ctrl-C handling stops it in order, after the server
        )

    def _stop(self, worker: subprocess.Popen) -> None:
        if worker.poll() is None:
            worker.send_signal(signal.SIGINT)  # Huey: finish running tasks, then exit
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
