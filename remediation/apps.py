from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class RemediationConfig(AppConfig):
    """Measures, their implementation by each company, and progress updates."""

    name = "remediation"
    verbose_name = _("Remediation")

    def ready(self) -> None:
        from remediation import tasks  # noqa: F401  (registers the tasks that notifications queue by name)
        from remediation.dashboard_cache import watch_sources

        watch_sources(apps.get_model)
