from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["mobile"]
    list_display = ["mobile", "name", "role", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["mobile", "name"]
    fieldsets = [
        (None, {"fields": ["mobile", "password"]}),
        (_("Person"), {"fields": ["name", "role"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["mobile", "name", "role", "password1", "password2"]},
        )
    ]
    filter_horizontal = ["groups"]
