from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Cases, regulatory actions, law articles, safeguard types, findings and incidents."""

    name = "cases"
    verbose_name = _("Cases")
