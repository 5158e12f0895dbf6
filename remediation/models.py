"""Measures taken against findings, their implementation by each company, and progress updates."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from compliance.access import CompanyPrivate, Scoped
from compliance.choices import ItemStatus
from compliance.i18n import Localized, bilingual_text
from compliance.tracking import TrackedItem
from remediation.choices import MeasureKind


@pghistory.track()
class Measure(Scoped):
    """An improvement measure (改善措置): one bullet under a finding."""

    finding = models.ForeignKey(
        "cases.Finding", verbose_name=_("finding"), on_delete=models.CASCADE, related_name="measures"
    )
    code = models.SlugField(_("code"), max_length=40)
    safeguard_type = models.ForeignKey(
        "cases.SafeguardType",
        verbose_name=_("safeguard type"),
        on_delete=models.PROTECT,
        related_name="measures",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MeasureKind.choices)
    text_ja, text_en = bilingual_text(_("text"))
    implementers = models.ManyToManyField(
        "compliance.Company",
        through="Implementation",
        verbose_name=_("implementing companies"),
        related_name="measures",
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    text = Localized("text")

    class Meta:
        ordering = ["finding", "position"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.UniqueConstraint(name="measure_unique_code", fields=["finding", "code"]),
            models.CheckConstraint(name="measure_kind_valid", condition=Q(kind__in=MeasureKind.values)),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text_ja[:40]}"

    def get_absolute_url(self) -> str:
        return reverse(
            "remediation:measure_detail",
            kwargs={"case": self.finding.case.code, "finding": self.finding.code, "code": self.code},
        )


@pghistory.track()
class Implementation(TrackedItem):
    """A measure as carried out by one company, with that company's own status and dates."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="implementations"
    )
    company = models.ForeignKey(
        "compliance.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="implementations",
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta(TrackedItem.Meta):
        ordering = ["measure", "position"]
        verbose_name = _("implementation")
        verbose_name_plural = _("implementations")
        constraints = [
            *TrackedItem.Meta.constraints,
            models.UniqueConstraint(name="implementation_unique_company", fields=["measure", "company"]),
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} / {self.company.name_ja}"

    def get_absolute_url(self) -> str:
        return self.measure.get_absolute_url() + f"#implementation-{self.company.code}"


@pghistory.track()
class ProgressUpdate(CompanyPrivate):
    """A company's report of progress on one implementation or one incident of its own: private to it."""

    implementation = models.ForeignKey(
        Implementation,
        verbose_name=_("implementation"),
        on_delete=models.CASCADE,
        related_name="progress_updates",
        null=True,
        blank=True,
    )
    incident = models.ForeignKey(
        "cases.Incident",
        verbose_name=_("incident"),
        on_delete=models.CASCADE,
        related_name="progress_updates",
        null=True,
        blank=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="progress_updates",
    )
    status = models.CharField(_("reported status"), max_length=16, choices=ItemStatus.choices)
    narrative = models.TextField(_("narrative"))
    next_milestone_on = models.DateField(_("next milestone or completion estimate"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta(CompanyPrivate.Meta):
        ordering = ["submitted_at", "pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(
                name="progressupdate_one_subject",
                condition=Q(implementation__isnull=False, incident__isnull=True)
                | Q(implementation__isnull=True, incident__isnull=False),
            ),
            models.CheckConstraint(name="progressupdate_status_valid", condition=Q(status__in=ItemStatus.values)),
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.submitted_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("remediation:progress_update_detail", kwargs={"pk": self.pk})

    @property
    def subject(self) -> Implementation | models.Model:
        """The implementation or incident this update reports on."""
        return self.implementation or self.incident
