from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    """Regulated companies, groups, people and their roles."""

    name = "compliance"
    verbose_name = _("Companies and people")

    def ready(self) -> None:
        import compliance.checks  # noqa: F401 (registers the deployment checks)
        from compliance import signals, tasks  # noqa: F401 (the sign-in log; the tasks webhooks queue by name)
        from compliance.history import install_change_feed_after_migrate

        post_migrate.connect(install_change_feed_after_migrate, sender=self)
