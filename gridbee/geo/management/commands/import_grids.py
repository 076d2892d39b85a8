from gridbee.geo.actions import import_grids

from ._layerio import LayerImportCommand


class Command(LayerImportCommand):
    help = (
        "Import grids from a GeoJSON FeatureCollection (properties: code, name, kind). "
        "All or nothing: any problem is reported per feature and nothing is written."
    )
    importer = staticmethod(import_grids)
