from gridbee.geo.queries import export_regions

from ._export import LayerExportCommand


class Command(LayerExportCommand):
    help = "Export regions as a GeoJSON FeatureCollection, in the format import-regions reads."
    exporter = staticmethod(export_regions)
