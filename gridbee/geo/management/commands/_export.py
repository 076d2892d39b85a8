import sys

from django.core.management.base import BaseCommand

from ._layerio import write_feature_collection


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
            with open(output, "w", encoding="utf-8") as handle:
                count = write_feature_collection(handle, features)
        self.stderr.write(f"{count} features exported.")
