from django.contrib import admin

from cases.models import (
    Authority,
    Case,
    CaseLink,
    Finding,
    Incident,
    IncidentPair,
    Instrument,
    Law,
    LawArticle,
    RegulatoryAction,
    ReportDraft,
    SafeguardType,
)
from compliance.admin_site import ReadOnlyAdmin, ScopedAdmin


@admin.register(Law)
class LawAdmin(ScopedAdmin):
    list_display = ["code", "short_name_ja", "name_ja", "number", "safeguards_required", "position"]
    search_fields = ["code", "name_ja", "name_en", "short_name_ja", "short_name_en"]


@admin.register(Instrument)
class InstrumentAdmin(ScopedAdmin):
    """Regulator administrators add what a law lets the regulator do (勧告, 命令…)."""

    list_display = ["code", "name_ja", "name_en", "law", "position"]
    list_filter = ["law"]
    list_select_related = ["law"]
    search_fields = ["code", "name_ja", "name_en"]


@admin.register(LawArticle)
class LawArticleAdmin(ScopedAdmin):
    list_display = ["code", "__str__", "law", "title_ja"]
    list_filter = ["law"]
    list_select_related = ["law"]
    search_fields = ["code", "title_ja", "title_en"]


@admin.register(SafeguardType)
class SafeguardTypeAdmin(ScopedAdmin):
    list_display = ["code", "name_ja", "name_en", "position"]


@admin.register(Authority)
class AuthorityAdmin(ScopedAdmin):
    """The public bodies that bring cases, issue actions and receive them."""

    list_display = ["code", "name_ja", "name_en", "kind", "position"]
    list_filter = ["kind"]
    search_fields = ["code", "name_ja", "name_en"]


@admin.register(Case)
class CaseAdmin(ScopedAdmin):
    list_display = ["code", "title_ja", "status", "opened_on", "closed_on"]
    list_filter = ["status", "authorities"]
    search_fields = ["code", "title_ja", "title_en"]
    filter_horizontal = ["authorities"]


@admin.register(RegulatoryAction)
class RegulatoryActionAdmin(ScopedAdmin):
    list_display = ["date", "instrument", "title_ja", "issuer", "case"]
    list_filter = ["instrument__law", "instrument", "issuer", "case"]
    list_select_related = ["case", "instrument__law", "issuer"]
    filter_horizontal = ["articles", "addressees", "addressee_authorities"]


@admin.register(Finding)
class FindingAdmin(ScopedAdmin):
    list_display = ["code", "side", "case"]
    list_filter = ["side", "articles__law", "case"]
    list_select_related = ["case"]
    filter_horizontal = ["articles", "safeguard_types", "affected_companies"]
    search_fields = ["code", "text_ja", "text_en"]


@admin.register(IncidentPair)
class IncidentPairAdmin(ScopedAdmin):
    list_display = ["number", "group", "incident_total", "case"]
    list_select_related = ["group", "case"]
    filter_horizontal = ["companies"]


@admin.register(Incident)
class IncidentAdmin(ScopedAdmin):
    list_display = ["pair", "number", "label", "described_in_report", "data_kind", "was_used", "status"]
    list_filter = ["described_in_report", "data_kind", "status", "pair__group"]
    list_select_related = ["pair__group"]
    search_fields = ["summary_ja", "summary_en"]


@admin.register(ReportDraft)
class ReportDraftAdmin(ReadOnlyAdmin):
    """Drafted reports: made and approved on the report generator's pages."""

    list_display = ["case", "as_of", "created_by", "created_at", "approved_by", "approved_at"]
    list_select_related = ["case", "created_by", "approved_by"]


@admin.register(CaseLink)
class CaseLinkAdmin(ScopedAdmin):
    """Links between related cases (made on the case's page or through the API)."""

    list_display = ["from_case", "relation", "to_case", "created_at"]
    list_filter = ["relation"]
    list_select_related = ["from_case", "to_case"]
    search_fields = ["from_case__code", "to_case__code", "note_ja", "note_en"]
