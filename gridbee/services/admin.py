"""Services in the admin: stations and activities are kept in the app (their actions check and
record what changes); the admin shows them, and the records, read-only."""

from django.contrib import admin

from gridbee.core.admin import ReadOnlyAdmin

from .models import Activity, Notice, RuleChange, ServicePoint, Signup, StationReport


@admin.register(ServicePoint)
class ServicePointAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "kind", "county", "active", "last_checked")
    list_filter = ("kind", "active")
    search_fields = ("name", "code", "address")


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "county", "starts_at", "capacity", "cancelled")
    list_filter = ("kind", "cancelled")
    exclude = ("secret",)


@admin.register(Signup)
class SignupAdmin(ReadOnlyAdmin):
    list_display = ("activity", "partner", "status", "checked_in_at", "credited_minutes")
    list_filter = ("status",)


@admin.register(RuleChange)
class RuleChangeAdmin(ReadOnlyAdmin):
    list_display = ("at", "county", "actor", "subject", "field", "old", "new")


@admin.register(StationReport)
class StationReportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "point", "problem", "case")


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "text", "read_at")
