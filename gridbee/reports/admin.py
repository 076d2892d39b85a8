from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gridbee.cases.models import Photo

# The case file's evidence, administered where it always was (proxies, see models.py).
from .models import Category, Open311Client, Open311Settings, Report
from .open311 import keys


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The taxonomy counties adjust; its active public rows are also the Open311 services."""

    list_display = [
        "code", "name", "group", "major_class", "urgency", "handling_minutes",
        "department_code", "dedup_radius_m", "dedup_window_hours", "sort", "active", "is_public",
    ]  # fmt: skip
    list_filter = ["active", "is_public", "group", "urgency", "major_class", "department_code"]
    search_fields = ["code", "name", "major_class"]
    ordering = ["sort", "code"]


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    """A client's key is made here and shown once; only its digest is kept."""

    list_display = ["name", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name"]
    fields = ["name", "active", "created_at"]
    readonly_fields = ["created_at"]
    actions = ["issue_new_key"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        raw = keys.issue_key(obj, actor=request.user)
        self._show_key(request, obj, raw)

    @admin.action(description=_("Issue a new API key (the old one stops working)"))
    def issue_new_key(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select one client."), messages.ERROR)
            return
        client = queryset.get()
        self._show_key(request, client, keys.issue_key(client, actor=request.user))

    def _show_key(self, request, client, raw: str) -> None:
        self.message_user(
            request,
            _("API key of %(name)s: %(key)s — copy it now, it will not be shown again.")
            % {"name": client.name, "key": raw},
            messages.WARNING,
        )


@admin.register(Open311Settings)
class Open311SettingsAdmin(admin.ModelAdmin):
    """A county turns its public Open311 feed off here."""

    list_display = ["county", "public_feed"]
    list_filter = ["public_feed"]
    raw_id_fields = ["county"]


class PhotoInline(admin.TabularInline):
    """Photos open through the API, which checks who may see them (media is not served)."""

    model = Photo
    fields = ["preview", "width", "height", "size", "sha256"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("photo"))
    def preview(self, obj):
        url = reverse("api:get_photo", kwargs={"photo_id": obj.pk})
        return format_html('<a href="{}"><img src="{}?thumbnail=true" alt=""></a>', url, url)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read only: reports change only through the intake and the case workflow."""

    list_display = [
        "id", "received_at", "category", "source", "client", "is_first", "case", "grid", "region",
    ]  # fmt: skip
    list_filter = ["source", "is_first", "emergency_flag", "category", "client"]
    date_hierarchy = "received_at"
    search_fields = ["=id", "=case__id", "grid__code", "region__code"]
    list_select_related = ["category", "client", "case", "grid", "region"]
    fields = [
        "source", "partner", "client", "category", "case", "is_first", "emergency_flag",
        "lat", "lon", "declared_crs", "accuracy_m", "grid", "region", "text", "phone_time",
        "received_at",
    ]  # fmt: skip
    readonly_fields = fields
    inlines = [PhotoInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
