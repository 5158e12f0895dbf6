"""Choices of the remediation app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeasureKind(models.TextChoices):
    """How the report words a measure, and so what remains to follow up."""

    COMPLETED = "completed", _("Completed")  # …した
    STANDING = "standing", _("Standing decision")  # …こととした
    PERIODIC = "periodic", _("Periodic control")  # 定期的に…こととした
    PROJECT = "project", _("Long-term project")  # the physical split of the systems
