from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    """Regulated companies, groups, people and their roles."""

    name = "compliance"
    verbose_name = _("Companies and people")

    def ready(self) -> None:
        from compliance import signals  # noqa: F401 (connects the sign-in log)
