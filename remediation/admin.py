from django.contrib import admin

from compliance.admin_site import ScopedAdmin
from remediation.models import Implementation, Measure, ProgressUpdate


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
