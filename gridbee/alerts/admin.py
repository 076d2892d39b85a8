"""Alerts in the admin, to look into only: publishing, telling and closing go through
actions.py, which checks, tells the partners and writes the CAP chain."""

from django.contrib import admin

from gridbee.core.admin import ReadOnlyAdmin

from .models import Alert, PartnerPosition


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "status", "county", "published_at", "expires_at", "closed_at"]
    list_filter = ["status", "kind"]


@admin.register(PartnerPosition)
class PartnerPositionAdmin(ReadOnlyAdmin):
    list_display = ["partner", "source", "at"]
