from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemediationConfig(AppConfig):
    """Measures, their implementation by each company, and progress updates."""

    name = "remediation"
    verbose_name = _("Remediation")
