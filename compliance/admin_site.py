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

    @property
    def versioned(self) -> bool:
        """True for a model whose rows count their changes (`version`, served as their ETag)."""
        return any(field.name == "version" for field in self.model._meta.concrete_fields)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # A record's version counts its changes: the admin raises it, nobody types it.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "version"] if self.versioned and "version" not in fields else fields

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        # A change made here is a change like any other: the ETag the API served for the record goes stale.
        if change and self.versioned and form.has_changed():
            obj.version += 1
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(ScopedAdmin):
    """Records nobody edits by hand: the access log and its analysis."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
