from gridbee.geo.actions import import_regions

from ._layerio import LayerImportCommand


class Command(LayerImportCommand):
    help = (
        "Import regions from a GeoJSON FeatureCollection (properties: code, name, level, "
        "parent_code; geometry optional). All or nothing."
    )
    importer = staticmethod(import_regions)
