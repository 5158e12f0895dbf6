from django.contrib import admin
from django.http import HttpRequest

from compliance.admin_site import ReadOnlyAdmin, ScopedAdmin
from remediation.models import (
    DailyCount,
    DeadlineChange,
    DigestSchedule,
    Evidence,
    Implementation,
    Measure,
    ProgressUpdate,
    RegulatorDigest,
    Reminder,
    ReminderPolicy,
    ReminderRecipient,
    Review,
)


class ImplementationInline(admin.TabularInline):
    model = Implementation
    extra = 0
    autocomplete_fields = ["company"]


@admin.register(Measure)
class MeasureAdmin(ScopedAdmin):
    list_display = ["code", "safeguard_type", "kind", "finding"]
    list_filter = ["kind", "safeguard_type", "finding__side"]
    list_select_related = ["safeguard_type", "finding"]
    search_fields = ["code", "text_ja", "text_en"]
    inlines = [ImplementationInline]


@admin.register(Implementation)
class ImplementationAdmin(ScopedAdmin):
    list_display = ["measure", "company", "status", "due_on", "window_start", "window_end"]
    list_filter = ["status", "company"]
    list_select_related = ["measure", "company"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ScopedAdmin):
    list_display = ["submitted_at", "implementation", "incident", "author", "status"]
    list_filter = ["status"]
    list_select_related = ["implementation__measure", "implementation__company", "incident__pair", "author"]
    raw_id_fields = ["implementation", "incident", "author"]


@admin.register(Review)
class ReviewAdmin(ScopedAdmin):
    list_display = ["reviewed_at", "update", "decision", "reviewer"]
    list_filter = ["decision"]
    list_select_related = ["update", "reviewer"]
    raw_id_fields = ["update", "reviewer", "company"]


@admin.register(Evidence)
class EvidenceAdmin(ScopedAdmin):
    list_display = ["uploaded_at", "original_name", "content_type", "size", "company"]
    list_filter = ["content_type", "company"]
    list_select_related = ["company"]
    raw_id_fields = ["update", "company"]
    readonly_fields = ["file", "sha256", "size", "content_type"]


@admin.register(DeadlineChange)
class DeadlineChangeAdmin(ScopedAdmin):
    list_display = ["requested_at", "implementation", "incident", "state", "company"]
    list_filter = ["state", "company"]
    list_select_related = ["company", "implementation__measure", "incident__pair"]
    raw_id_fields = ["implementation", "incident", "requested_by", "decided_by", "company"]


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(ScopedAdmin):
    """The reminder policies: regulator administrators change them here."""

    list_display = [
        "kind",
        "days_before",
        "every_days",
        "overdue_every_days",
        "escalate_after_days",
        "regulator_after_days",
    ]


class NoHandEditing:
    """Rows only the sweep writes: shown, never added, changed or deleted by hand."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReminderRecipientInline(NoHandEditing, admin.TabularInline):
    model = ReminderRecipient
    extra = 0
    fields = ["user", "mailed_at"]
    readonly_fields = fields


@admin.register(Reminder)
class ReminderAdmin(ScopedAdmin):
    list_display = ["planned_for", "rule", "period", "company", "sent_at", "late", "escalation"]
    list_filter = ["rule", "late", "escalation", "company"]
    list_select_related = ["company"]
    raw_id_fields = ["implementation", "incident", "company"]
    inlines = [ReminderRecipientInline]


@admin.register(ReminderRecipient)
class ReminderRecipientAdmin(NoHandEditing, admin.ModelAdmin):
    """Who each reminder went to, and when their digest mailed it."""

    list_display = ["reminder", "user", "mailed_at"]
    list_filter = ["mailed_at"]
    list_select_related = ["reminder__company", "user"]
    raw_id_fields = ["reminder", "user"]


@admin.register(DigestSchedule)
class DigestScheduleAdmin(ScopedAdmin):
    """The one digest schedule: the hours people may choose from, and the default time."""

    list_display = ["__str__", "earliest", "latest", "default_time"]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        DigestSchedule.current()  # there is always exactly one to change
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(RegulatorDigest)
class RegulatorDigestAdmin(ReadOnlyAdmin):
    list_display = ["day", "created_at"]


@admin.register(DailyCount)
class DailyCountAdmin(ReadOnlyAdmin):
    """The nightly snapshots behind the dashboard's trends."""

    list_display = ["day", "item_kind", "case", "company", "safeguard_type", "status", "count", "overdue"]
    list_filter = ["item_kind", "status", "day"]
    list_select_related = ["case", "company", "safeguard_type"]
