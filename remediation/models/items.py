"""What a company's records about one tracked item share: the item they are about."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compliance.access import CompanyPrivate
from compliance.tracking import TrackedItem
from remediation.models.measures import Implementation


class AboutItem(CompanyPrivate):
    """A company's private record about one tracked item: an implementation or an incident."""

    implementation = models.ForeignKey(
        Implementation,
        verbose_name=_("implementation"),
        on_delete=models.CASCADE,
        related_name="%(class)ss",
        null=True,
        blank=True,
    )
    incident = models.ForeignKey(
        "cases.Incident",
        verbose_name=_("incident"),
        on_delete=models.CASCADE,
        related_name="%(class)ss",
        null=True,
        blank=True,
    )

    class Meta(CompanyPrivate.Meta):
        abstract = True
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_one_subject",
                condition=Q(implementation__isnull=False, incident__isnull=True)
                | Q(implementation__isnull=True, incident__isnull=False),
            ),
        ]

    @property
    def subject(self) -> TrackedItem:
        """The implementation or incident this record is about."""
        return self.implementation or self.incident


def about(item: TrackedItem) -> dict[str, TrackedItem]:
    """The field and value that point a record at `item`: {"implementation": item} or {"incident": item}."""
    return {"implementation": item} if isinstance(item, Implementation) else {"incident": item}
