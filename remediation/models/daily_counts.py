"""The daily snapshot of counts that the dashboard's trends are drawn from."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from compliance.access import RegulatorOnly
from compliance.validators import DATE_VALIDATORS


class DailyCount(RegulatorOnly):
    """One figure of the daily snapshot: how many items of a kind stood at a status that day, and how many overdue.

    Implementations are counted per case, company and safeguard type; incidents per case and status only, since
    each concerns two companies. Kept as data, so the dashboard shows how each figure moved month by month, for
    all cases or for one.
    """

    day = models.DateField(_("day"), validators=DATE_VALIDATORS)
    item_kind = models.CharField(_("kind of item"), max_length=16)
    # Empty on snapshots taken before figures were kept per case (see migration 0009).
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    company = models.ForeignKey(
        "compliance.Company", verbose_name=_("company"), on_delete=models.CASCADE, null=True, blank=True
    )
    safeguard_type = models.ForeignKey(
        "cases.SafeguardType", verbose_name=_("safeguard type"), on_delete=models.CASCADE, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=16, blank=True)
    count = models.PositiveIntegerField(_("count"))
    overdue = models.PositiveIntegerField(_("overdue"))
    overdue_days = models.PositiveIntegerField(_("days overdue, summed"))

    class Meta:
        ordering = ["day", "item_kind", "case", "company", "safeguard_type", "status"]
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        constraints = [
            models.UniqueConstraint(
                name="dailycount_once_per_day",
                fields=["day", "item_kind", "case", "company", "safeguard_type", "status"],
                nulls_distinct=False,
            ),
            models.CheckConstraint(name="dailycount_overdue_within_count", condition=Q(overdue__lte=F("count"))),
        ]
        indexes = [models.Index(fields=["day"], name="dailycount_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.item_kind} {self.status}: {self.count}"
