"""The grid map: every grid and region of the area on a tile map, and what lies at a point."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from gridbee.geo.choices import GridKind, Level
from gridbee.geo.maps import MAP_CENTER, MAP_ZOOM


@login_required
def grid_map(request):
    api_root = reverse("api:api-root")
    config = {
        "center": MAP_CENTER,
        "zoom": MAP_ZOOM,
        "tileUrl": settings.TILE_URL,
        "gridsUrl": f"{api_root}geo/grids",
        "locateUrl": f"{api_root}geo/locate",
        "debounceMs": 300,
        "kinds": {str(value): str(label) for value, label in GridKind.choices},
        # The API names levels ("province"…); accept their numbers (1…5) as well.
        "levels": {
            **{str(level.value): str(level.label) for level in Level},
            **{level.name.lower(): str(level.label) for level in Level},
        },
        "text": {
            "loading": _("Loading grids…"),
            "shown": _("Grids shown: %(count)s"),
            "none": _("No grids in this view."),
            "failed": _("Grids could not be loaded (%(status)s)."),
            "offline": _("The server could not be reached. Check the network and move the map."),
            "locating": _("Looking up this place…"),
            "locateFailed": _("This place could not be looked up (%(status)s)."),
            "code": _("Code"),
            "kind": _("Kind"),
            "regionOnly": _("No grid here; the point lies in these regions:"),
            "outside": _("This point is in no grid and no known region."),
            "coords": _("WGS-84"),
        },
    }
    return render(request, "site/map.html", {"map_config": config})
