from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gridbee.site.rig import DEFAULT_BASE_PORT, DEFAULT_FOLDER, Rig, RigError, describe


class Command(BaseCommand):
    help = (
        "The province rig on this machine: HAProxy, app processes, the worker, PostgreSQL "
        "primary and replica behind PgBouncer, Redis and an S3 server. `up` starts them (and "
        "installs what is missing, as root), `down` stops exactly what `up` started, `test` "
        "runs the test suite (or the pytest arguments after --) against the running rig."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["up", "down", "status", "test"])
        parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER, help="rig data folder")
        parser.add_argument("--base-port", type=int, default=DEFAULT_BASE_PORT)
        parser.add_argument("--apps", type=int, default=2, help="app processes behind HAProxy")
        parser.add_argument(
            "--demo", action="store_true", help="an empty database gets the demo city"
        )
        parser.add_argument("pytest_args", nargs="*", help="test: what to give pytest")

    def handle(self, *args, action, folder, base_port, apps, demo, pytest_args, **options):
        if apps < 1:
            raise CommandError("--apps must be 1 or more.")
        rig = Rig(folder, base_port, apps)
        try:
            if action == "up":
                rig.up(demo=demo, say=self.stdout.write)
                self.stdout.write(f"Stop it with: gridbee rig down --folder {rig.folder}")
            elif action == "test":
                if not all(rig.status().values()):
                    raise CommandError(f"The rig in {rig.folder} is not up: gridbee rig up")
                if code := rig.test(pytest_args):
                    raise CommandError(f"pytest exited with {code}")
            elif action == "down":
                rig.down(say=self.stdout.write)
            else:
                self.stdout.write(describe(rig))
        except RigError as exc:
            raise CommandError(str(exc)) from exc
