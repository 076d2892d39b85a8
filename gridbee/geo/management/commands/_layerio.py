"""What the layer import and export commands share: reading GeoJSON, reporting problems and
progress, streaming a FeatureCollection out."""

import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from gridbee.core.errors import DomainError
from gridbee.geo.choices import Crs


class LayerImportCommand(BaseCommand):
    importer = None  # an action: import_regions or import_grids

    def add_arguments(self, parser):
        parser.add_argument("file", help="a GeoJSON FeatureCollection, or - for standard input")
        parser.add_argument(
            "--replace", action="store_true", help="update features whose code exists already"
        )
        parser.add_argument(
            "--crs",
            choices=Crs.values,
            default=Crs.WGS84,
            help="coordinate system of the file (GeoJSON is wgs84 unless declared otherwise)",
        )

    def handle(self, *args, file, replace, crs, **options):
        features = read_features(file)
        progress = Progress(self.stderr, quiet=options["verbosity"] == 0)
        try:
            summary = type(self).importer(features, replace=replace, crs=crs, progress=progress)
        except DomainError as exc:
            problems = exc.details.get("problems", [])
            for p in problems:
                code = f" ({p['code']})" if p["code"] else ""
                self.stderr.write(f"feature {p['feature']}{code}: {p['message']}")
            count = exc.details.get("problem_count", len(problems))
            more = f", {count - len(problems)} more not listed" if count > len(problems) else ""
            raise CommandError(f"{count} problem(s){more}; nothing was imported.") from None
        self.stdout.write(f"{summary.created} created, {summary.updated} updated.")


def read_features(path: str) -> list:
    try:
        if path == "-":
            data = json.load(sys.stdin)
        else:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path} is not a JSON file: {exc}") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise CommandError(f"{path} is not a GeoJSON FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list):
        raise CommandError(f"{path} has no list of features")
    return features


class Progress:
    """Prints how far a long import is, at most twice a second."""

    def __init__(self, stream, quiet=False):
        self.stream, self.quiet, self.last = stream, quiet, 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if self.quiet or total < 1_000 or (now - self.last < 0.5 and done < total):
            return
        self.last = now
        self.stream.write(f"{stage}: {done:,}/{total:,} ({100 * done // max(total, 1)}%)")
