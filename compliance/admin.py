from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from compliance.models import Company, CompanyGroup, User


@admin.register(CompanyGroup)
class CompanyGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "name_en", "position"]
    search_fields = ["code", "name_ja", "name_en"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "name_en", "kind", "group"]
    list_filter = ["kind", "group"]
    list_select_related = ["group"]
    search_fields = ["code", "name_ja", "name_en"]


@admin.register(User)
class PersonAdmin(UserAdmin):
    list_display = ["username", "email", "role", "company", "is_active"]
    list_filter = ["role", "company", "is_active"]
    list_select_related = ["company"]
    fieldsets = [*UserAdmin.fieldsets, (_("Role"), {"fields": ["role", "company"]})]
