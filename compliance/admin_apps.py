"""The admin's app configuration, apart from any model import so that it loads first."""

from django.contrib.admin.apps import AdminConfig


class ComplianceAdminConfig(AdminConfig):
    """The admin, with the product's own site."""

    default_site = "compliance.admin_site.ComplianceAdminSite"
