from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from compliance.admin_site import ReadOnlyAdmin, ScopedAdmin
from compliance.models import AccessAnomaly, AccessLogEntry, CalendarFeed, Company, CompanyGroup, User


@admin.register(CompanyGroup)
class CompanyGroupAdmin(ScopedAdmin):
    list_display = ["code", "name_ja", "name_en", "position"]
    search_fields = ["code", "name_ja", "name_en"]


@admin.register(Company)
class CompanyAdmin(ScopedAdmin):
    list_display = ["code", "name_ja", "name_en", "kind", "group"]
    list_filter = ["kind", "group"]
    list_select_related = ["group"]
    search_fields = ["code", "name_ja", "name_en"]


@admin.register(User)
class PersonAdmin(UserAdmin):
    """People, their role and company: managed by regulator administrators."""

    list_display = ["username", "email", "role", "company", "is_active"]
    list_filter = ["role", "company", "is_active"]
    list_select_related = ["company"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Role"), {"fields": ["role", "company", "is_lead_officer", "language", "digest_time"]}),
    ]
    add_fieldsets = [*UserAdmin.add_fieldsets, (_("Role"), {"fields": ["role", "company", "is_lead_officer"]})]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "action", "object_type", "object_id", "ip_address", "path"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_id", "path"]
    date_hierarchy = "at"


@admin.register(AccessAnomaly)
class AccessAnomalyAdmin(ReadOnlyAdmin):
    list_display = ["day", "kind", "user", "count", "baseline"]
    list_filter = ["kind"]
    list_select_related = ["user"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ScopedAdmin):
    """People's calendar addresses: administrators may revoke one; only its person can make one."""

    list_display = ["person", "created_at", "revoked_at"]
    list_filter = ["revoked_at"]
    list_select_related = ["person"]
    search_fields = ["person__username"]
    fields = ["person", "created_at", "revoked_at"]
    readonly_fields = ["person", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
