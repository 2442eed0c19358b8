from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from grants.models import AuditEntry, Discipline, Institution, Province, RoleGrant, User


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "is_funding"]
    list_filter = ["is_funding"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "city_en", "province", "kind"]
    list_filter = ["province", "kind"]
    search_fields = ["name_zh", "name_en"]


@admin.register(Discipline)
class DisciplineAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "parent"]
    search_fields = ["code", "name_zh", "name_en"]


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "institution", "is_staff"]
    list_filter = ["is_staff", "is_superuser", "role_grants__role"]
    search_fields = ["email", "name"]
    inlines = [RoleGrantInline]
    filter_horizontal = ["disciplines", "groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Researcher profile"),
            {"fields": ["name", "institution", "title", "orcid", "disciplines", "keywords"]},
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log is append-only: readable here, never added, changed or deleted."""

    list_display = ["at", "actor", "action", "call", "proposal"]
    list_filter = ["action"]
    search_fields = ["action", "note", "proposal__reference"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
