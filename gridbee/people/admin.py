"""Admin for the people domain. Records with a history (applications, partners' standing) are
read-only here: their changes go through the pages and API, which keep the history."""

from axes.utils import reset as reset_login_failures
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gridbee.core.admin import ReadOnlyAdmin

from .actions import end_logins
from .forms import AdminLoginForm
from .models import (
    ApiToken,
    Application,
    ApplicationStep,
    Certificate,
    Company,
    Department,
    GridBinding,
    Industry,
    Partner,
    PartnerEvent,
    Station,
    Team,
    TeamMember,
    User,
)
from .validators import mask_id_number

# The admin's login page counts failures with the others and says when it is locked out.
admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["mobile"]
    list_display = ["mobile", "name", "role", "region", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["mobile", "name"]
    raw_id_fields = ["region", "station", "department"]
    filter_horizontal = ["groups", "grids"]
    fieldsets = [
        (None, {"fields": ["mobile", "password"]}),
        (_("Person"), {"fields": ["name", "role"]}),
        (_("Scope"), {"fields": ["region", "grids", "station", "department"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["mobile", "name", "role", "password1", "password2"]},
        )
    ]
    actions = ["end_all_logins", "unlock_logins"]

    @admin.action(description=_("End all sessions and API tokens"), permissions=["change"])
    def end_all_logins(self, request, queryset):
        # A lost phone, a staff member leaving: every device has to log in again.
        for pk in queryset.values_list("pk", flat=True):
            end_logins(pk)
        self.message_user(request, _("Their sessions and API tokens are ended."))

    @admin.action(description=_("Unlock logins (clear failed attempts)"), permissions=["change"])
    def unlock_logins(self, request, queryset):
        mobiles = queryset.values_list("mobile", flat=True)
        count = sum(reset_login_failures(username=mobile) for mobile in mobiles)
        self.message_user(
            request,
            ngettext(
                "%(count)d failed attempt cleared.", "%(count)d failed attempts cleared.", count
            )
            % {"count": count},
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by logging in from the app, never here; only a digest is kept, so
    there is nothing to show but whose it is and when it was used. Revoking deletes it."""

    list_display = ["user", "created_at", "last_used_at", "expires_at"]
    list_select_related = ["user"]
    search_fields = ["user__mobile", "user__name"]
    raw_id_fields = ["user"]
    fields = ["user", "created_at", "last_used_at", "expires_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["delete"])
    def revoke(self, request, queryset):
        self.log_deletions(request, queryset)
        count, _details = queryset.delete()
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
        )


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "industry"]
    list_filter = ["industry"]
    search_fields = ["name"]


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "county", "address"]
    list_filter = ["company__industry"]
    search_fields = ["name", "company__name"]
    raw_id_fields = ["county"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "county"]
    search_fields = ["name", "code"]
    raw_id_fields = ["county"]


class ApplicationStepInline(admin.TabularInline):
    model = ApplicationStep
    fields = ["at", "action", "actor_role", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "station", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "industry"]
    search_fields = ["name", "mobile"]
    exclude = ["password", "status_token", "id_number"]
    readonly_fields = ["masked_id_number"]
    inlines = [ApplicationStepInline]

    @admin.display(description=_("ID card number"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)


class PartnerEventInline(ApplicationStepInline):
    model = PartnerEvent
    fields = ["at", "action", "reason", "actor", "note"]
    readonly_fields = fields


class BindingInline(admin.TabularInline):
    model = GridBinding
    raw_id_fields = ["grid"]
    extra = 0


@admin.register(Partner)
class PartnerAdmin(ReadOnlyAdmin):
    list_display = ["name", "industry", "station", "county", "status", "joined_at"]
    list_filter = ["status", "industry"]
    search_fields = ["name", "user__mobile"]
    exclude = ["id_number"]
    readonly_fields = ["masked_id_number"]
    inlines = [BindingInline, PartnerEventInline]

    @admin.display(description=_("ID card number"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "partner", "issued_at", "valid_until"]
    search_fields = ["number", "partner__name"]
    exclude = ["token"]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    raw_id_fields = ["partner", "leader"]
    extra = 0


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "county", "captain"]
    raw_id_fields = ["county", "captain"]
    inlines = [TeamMemberInline]
