"""`gridbee rebuild-stats`: every case's contributions and every day's sums from scratch (after
an indicator's measures were edited, or to check the worker's rows)."""

import json

from django.core.management.base import BaseCommand

from gridbee.stats import aggregates


class Command(BaseCommand):
    help = "Recompute the dashboards' figures from every case's timeline."

    def handle(self, *args, **options):
        def progress(cases: int) -> None:
            if cases % 100_000 < aggregates.BATCH:
                self.stderr.write(f"{cases} cases")

        self.stdout.write(json.dumps(aggregates.rebuild(progress=progress)))
