from pathlib import Path

from django.core.management.base import BaseCommand

from gridbee.geo.geojson import write_geojson
from gridbee.geo.synthetic import province_layer


class Command(BaseCommand):
    help = (
        "Write a synthetic province-sized layer (regions and grids without gaps or overlaps) as "
        "two GeoJSON files for import-regions and import-grids: for load tests and benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--grids", type=int, default=400_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", default=".", help="folder for regions.geojson, grids.geojson")

    def handle(self, *args, grids, seed, out, **options):
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        regions, grid_features = province_layer(grids, seed=seed)
        n_regions = write_geojson(folder / "regions.geojson", regions)
        n_grids = write_geojson(folder / "grids.geojson", grid_features)
        self.stdout.write(f"{n_regions:,} regions and {n_grids:,} grids written to {folder}/")
