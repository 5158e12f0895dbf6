"""The Django admin, for regulator administrators only, reading through the scoping rule."""

from django.contrib import admin
from django.http import HttpRequest

from compliance.access import is_regulator_admin


class ComplianceAdminSite(admin.AdminSite):
    """The admin site: only regulator administrators may enter."""

    def has_permission(self, request: HttpRequest) -> bool:
        return is_regulator_admin(request.user)


class ScopedAdmin(admin.ModelAdmin):
    """A model admin whose lists and lookups start from what the person may see."""

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).visible_to(request.user)


class ReadOnlyAdmin(ScopedAdmin):
    """Records nobody edits by hand: the access log and its analysis."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
