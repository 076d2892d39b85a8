"""Cases in the admin, to look into and nothing more: every change of a case goes through the
closed loop (workflow.act), which checks, writes the timeline and tells the people concerned;
an edit here would do none of that."""

from django.contrib import admin

from gridbee.core.admin import ReadOnlyAdmin

from .models import Case, CaseEvent, CrowdCheck, LinkageChannel, Message


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    fields = ["at", "kind", "actor", "actor_role", "from_status", "to_status", "on_time", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "category", "status", "urgency", "region", "opened_at"]
    list_filter = ["kind", "status", "urgency", "category"]
    search_fields = ["=id"]
    date_hierarchy = "opened_at"
    list_select_related = ["category", "region"]
    raw_id_fields = ["grid", "region", "county", "first_report", "merged_into", "department"]
    inlines = [CaseEventInline]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    """The timeline, and whether what followed each step has landed (effects_pending)."""

    list_display = ["id", "case", "kind", "actor_role", "at", "effects_pending"]
    list_filter = ["kind", "effects_pending"]
    search_fields = ["=case__id"]
    raw_id_fields = ["case", "actor"]


@admin.register(CrowdCheck)
class CrowdCheckAdmin(ReadOnlyAdmin):
    list_display = ["id", "case", "partner", "distance_m", "outcome", "created_at"]
    list_filter = ["outcome"]
    raw_id_fields = ["case", "handling", "event", "photo", "partner", "decided_by"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "recipient", "case", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient", "case"]


@admin.register(LinkageChannel)
class LinkageChannelAdmin(admin.ModelAdmin):
    """五情联动: a county names the department answering each channel here."""

    list_display = ["county", "channel", "department"]
    list_filter = ["channel"]
