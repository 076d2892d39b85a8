import sys

from django.core.management.base import BaseCommand

from gridbee.geo.geojson import write_feature_collection, write_geojson


class LayerExportCommand(BaseCommand):
    exporter = None

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="only this region's code and below")
        parser.add_argument("-o", "--output", default="-", help="file to write (default stdout)")

    def handle(self, *args, region, output, **options):
        features = type(self).exporter(region)
        if output == "-":
            count = write_feature_collection(sys.stdout, features)
        else:
            count = write_geojson(output, features)
        self.stderr.write(f"{count} features exported.")
