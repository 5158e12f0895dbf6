"""URLs of the whole site."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from compliance import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("public/", include("remediation.urls_public")),
    # Companies before the follow-up ("companies/new/" ahead of the company's page there), and the follow-up before
    # the cases (its case-file pages, "cases/import/", ahead of the case pages, "cases/<code>/").
    path("", include("compliance.urls_pages")),
    path("", include("remediation.urls")),
    path("", include("cases.urls")),
    path("accounts/", include("compliance.urls_accounts")),
    path("admin/", admin.site.urls),
    # The language switch works before signing in too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/v1/", include(("config.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(api_version="v1"), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]

# Errors outside any view: problem details under /api/, the site's pages elsewhere.
handler404 = "compliance.api.errors.not_found"
handler500 = "compliance.api.errors.server_error"
