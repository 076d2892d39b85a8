"""Claims in the admin: the county table of responsible bodies and the mediators' declared ties
are kept here; claims and mediations are looked into only (their steps go through the engine)."""

from django.contrib import admin

from gridbee.core.admin import ReadOnlyAdmin

from .models import Body, Claim, Mediation, MediatorTie


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["department", "type"]
    list_filter = ["type"]


@admin.register(MediatorTie)
class MediatorTieAdmin(admin.ModelAdmin):
    list_display = ["mediator", "user", "body", "note"]
    raw_id_fields = ["mediator", "user"]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ["serial", "type", "respondent_name", "known_on", "oral"]
    list_filter = ["type", "oral"]
    search_fields = ["=serial"]


@admin.register(Mediation)
class MediationAdmin(ReadOnlyAdmin):
    list_display = ["serial", "mediator", "accepted_at", "extension_days", "performance"]
    search_fields = ["=serial"]
