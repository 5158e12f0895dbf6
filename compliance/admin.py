from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from compliance.admin_site import ReadOnlyAdmin, ScopedAdmin
from compliance.models import (
    AccessAnomaly,
    AccessLogEntry,
    CalendarFeed,
    Company,
    CompanyGroup,
    User,
    WebhookDelivery,
    WebhookSubscription,
)
from compliance.second_factor import second_factor_reset, sign_in_unlock


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

    actions = ["reset_second_factor", "unlock_sign_in"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    @admin.action(description=_("Reset the second factor (a lost phone): they set up a new one at next sign-in"))
    def reset_second_factor(self, request: HttpRequest, queryset) -> None:
        for person in queryset:
            second_factor_reset(actor=request.user, person=person, request=request)
        self.message_user(request, _("Second factor reset for %(count)d people.") % {"count": len(queryset)})

    @admin.action(description=_("Unlock sign-in now"))
    def unlock_sign_in(self, request: HttpRequest, queryset) -> None:
        for person in queryset:
            sign_in_unlock(actor=request.user, person=person, request=request)
        self.message_user(request, _("Sign-in unlocked for %(count)d people.") % {"count": len(queryset)})


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "action", "object_type", "object_id", "records_read", "ip_address", "path"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_id", "path"]
    date_hierarchy = "at"

    @admin.display(description=_("records read"))
    def records_read(self, entry: AccessLogEntry) -> int:
        return entry.record_count()


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


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ReadOnlyAdmin):
    """People's webhook subscriptions, to look into (their owners manage them through the API); never the secret."""

    list_display = ["owner", "url", "paused_because", "consecutive_failures", "created_at"]
    list_filter = ["paused_because"]
    list_select_related = ["owner"]
    search_fields = ["owner__username", "url"]
    exclude = ["secret_encrypted"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """What was sent to each subscription, and how its attempts went."""

    list_display = ["message_id", "event_type", "status", "attempts", "last_response_code", "created_at"]
    list_filter = ["status", "event_type"]
    list_select_related = ["subscription__owner"]
    search_fields = ["message_id", "subscription__owner__username"]
