from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project wiring, installed for its whole-product commands (load_demo, generate_scale, backup, restore)."""

    name = "config"
    verbose_name = "Project"
