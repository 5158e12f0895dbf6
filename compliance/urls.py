"""URLs of the whole site."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("cases.urls")),
    path("", include("remediation.urls")),
    path("", include("compliance.urls_pages")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(("compliance.api.urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(api_version="v1"), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
]
