from gridbee.geo.queries import export_grids

from ._export import LayerExportCommand


class Command(LayerExportCommand):
    help = "Export grids as a GeoJSON FeatureCollection, in the format import-grids reads."
    exporter = staticmethod(export_grids)
