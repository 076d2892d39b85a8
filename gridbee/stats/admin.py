"""Admin for the dashboards: measures, indicators and a county's settings are edited here (the
figures follow after `gridbee rebuild-stats`); the contributions and daily rows are the worker's
and only shown."""

from django.contrib import admin

from gridbee.core.admin import ReadOnlyAdmin

from .models import CaseMeasure, CountySettings, DailyStat, Indicator, Measure


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "per", "event", "which", "value_from"]
    search_fields = ["code", "name"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "numerator", "denominator", "subtract", "kind",
                    "days", "better", "league", "partner", "active", "sort"]  # fmt: skip
    list_filter = ["unit", "kind", "league", "partner", "active"]
    search_fields = ["code", "name"]


@admin.register(CountySettings)
class CountySettingsAdmin(admin.ModelAdmin):
    list_display = ["county", "held_leaves_denominator"]
    raw_id_fields = ["county"]


@admin.register(CaseMeasure)
class CaseMeasureAdmin(ReadOnlyAdmin):
    list_display = ["case", "measure", "day", "kind", "department", "grid"]
    list_filter = ["measure", "kind"]
    raw_id_fields = ["case"]


@admin.register(DailyStat)
class DailyStatAdmin(ReadOnlyAdmin):
    list_display = ["day", "county", "measure", "kind", "dim", "key", "n"]
    list_filter = ["dim", "measure", "kind"]
