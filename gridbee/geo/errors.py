from django.utils.translation import gettext_lazy as _

from gridbee.core.errors import ErrorCode


class GeoError(ErrorCode):
    COORDINATES_OUT_OF_RANGE = (
        "geo.coordinates_out_of_range",
        400,
        _("Latitude must lie between -90 and 90 and longitude between -180 and 180."),
    )
    UNKNOWN_CRS = (
        "geo.unknown_crs",
        400,
        _("Unknown coordinate system: use wgs84, gcj02 or bd09."),
    )
    BBOX_INVALID = (
        "geo.bbox_invalid",
        400,
        _("bbox must be four numbers west,south,east,north, with west < east, south < north."),
    )
    BBOX_TOO_LARGE = (
        "geo.bbox_too_large",
        400,
        _("This area holds too many grids to draw at once; zoom in."),
    )
    IMPORT_REJECTED = (
        "geo.import_rejected",
        400,
        _("The file was not imported: some features have problems. Nothing was changed."),
    )
    GRID_NOT_FOUND = ("geo.grid_not_found", 404, _("No grid has this code."))
