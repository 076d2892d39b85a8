import json

import shapely
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import actions
from .geometry import to_geojson
from .models import Grid, Region


class LayerAdmin(admin.ModelAdmin):
    """Edits go through actions so every routing index learns of them."""

    readonly_fields = ["area_m2", "boundary"]

    @admin.display(description=_("boundary (GeoJSON)"))
    def boundary(self, obj):
        if obj.geom is None:
            return "-"
        return json.dumps(to_geojson(shapely.from_wkb(bytes(obj.geom))))[:2000]

    def save_model(self, request, obj, form, change):
        actions.save_details(obj, actor=request.user)

    def delete_model(self, request, obj):
        actions.delete_layer_objects([obj], actor=request.user)

    def delete_queryset(self, request, queryset):
        actions.delete_layer_objects(queryset, actor=request.user)


@admin.register(Region)
class RegionAdmin(LayerAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    fields = ["code", "name", "level", "parent", "area_m2", "boundary"]


@admin.register(Grid)
class GridAdmin(LayerAdmin):
    list_display = ["code", "name", "kind", "community", "area_m2"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "community__name"]
    raw_id_fields = ["community"]
    fields = ["code", "name", "kind", "community", "area_m2", "centroid", "boundary"]
    readonly_fields = [*LayerAdmin.readonly_fields, "code", "community", "centroid"]

    @admin.display(description=_("centroid"))
    def centroid(self, obj):
        return f"{obj.centroid_lat:.6f}, {obj.centroid_lon:.6f}"

    def has_add_permission(self, request):
        return False  # grids arrive with their polygon, through import-grids
