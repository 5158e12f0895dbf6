"""The Django admin, for regulator administrators only, reading through the scoping rule."""

from django.contrib import admin
from django.http import HttpRequest

from compliance.access import is_regulator_admin
from compliance.guards import log_reads


class ComplianceAdminSite(admin.AdminSite):
    """The admin site: only regulator administrators may enter."""

    def has_permission(self, request: HttpRequest) -> bool:
        return is_regulator_admin(request.user)


class ScopedAdmin(admin.ModelAdmin):
    """A model admin whose lists and lookups start from what the person may see, logging private reads."""

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).visible_to(request.user)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and self.model.has_private_records:
            log_reads(request, changelist.result_list)
        return response

    def get_object(self, request: HttpRequest, object_id: str, from_field=None):
        record = super().get_object(request, object_id, from_field)
        if record is not None and self.model.has_private_records:
            log_reads(request, [record])
        return record


class ReadOnlyAdmin(ScopedAdmin):
    """Records nobody edits by hand: the access log and its analysis."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
