"""Measures taken against findings and their implementation by each company."""

from __future__ import annotations

import pghistory
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from compliance.access import Scoped
from compliance.i18n import Localized, bilingual_text
from compliance.tracking import TrackedItem
from compliance.validators import CODE_VALIDATORS, DATE_VALIDATORS
from compliance.versioning import Versioned
from compliance.wording import coded_text, shorten
from remediation.choices import (
    MeasureKind,
)


@pghistory.track()
class Measure(Scoped, Versioned):
    """An improvement measure (改善措置): one bullet under a finding."""

    finding = models.ForeignKey(
        "cases.Finding", verbose_name=_("finding"), on_delete=models.CASCADE, related_name="measures"
    )
    code = models.SlugField(_("code"), max_length=40, validators=CODE_VALIDATORS)
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
    # What the authority published of the measure's timing: its deadline in its own words, and the days it was
    # submitted (a plan, a report) and completed. Each company's own dates are on its implementation.
    deadline_text = models.CharField(
        _("deadline as worded"),
        max_length=200,
        blank=True,
        help_text=_("The deadline in the authority's own words (概ね3年以内, 速やかに)."),
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True, validators=DATE_VALIDATORS)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, validators=DATE_VALIDATORS)

    text = Localized("text")

    class Meta:
        # By the finding's id, not the finding's own ordering: the index below serves every list of measures.
        ordering = ["finding_id", "position", "pk"]
        indexes = [models.Index(fields=["finding", "position", "id"], name="measure_order")]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.UniqueConstraint(name="measure_unique_code", fields=["finding", "code"]),
            models.CheckConstraint(name="measure_kind_valid", condition=Q(kind__in=MeasureKind.values)),
        ]

    def __str__(self) -> str:
        return coded_text(shorten(self.text), self.code)

    def get_absolute_url(self) -> str:
        return reverse(
            "remediation:measure_detail",
            kwargs={"case": self.finding.case.code, "finding": self.finding.code, "code": self.code},
        )


@pghistory.track()
class Implementation(TrackedItem):
    """A measure as carried out by one company, with that company's own status and dates."""

    item_kind = "implementation"

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
        # The measure's implementations in their order; across measures, in the order the measures were made (which
        # follows the report). Columns of the row itself, which an index serves: no join, no sort of every row.
        ordering = ["measure_id", "position", "pk"]
        indexes = [
            *TrackedItem.Meta.indexes,
            models.Index(fields=["measure", "position", "id"], name="implementation_order"),
        ]
        verbose_name = _("implementation")
        verbose_name_plural = _("implementations")
        constraints = [
            *TrackedItem.Meta.constraints,
            models.UniqueConstraint(name="implementation_unique_company", fields=["measure", "company"]),
        ]

    def __str__(self) -> str:
        return coded_text(f"{shorten(self.measure.text)} — {self.company.name}", self.measure.code)

    def get_absolute_url(self) -> str:
        return self.measure.get_absolute_url() + f"#implementation-{self.company.code}"

    @classmethod
    def concern_filter(cls, *, company_id: int | None) -> Q:
        """An implementation is its company's own."""
        return Q(company_id=company_id) if company_id else Q(pk__in=[])

    @classmethod
    def status_published_filter(cls) -> Q:
        """Implementations of the cases whose current status the regulator has published (`Case.status_public`)."""
        # A subquery, not a join: a locking read of implementations must not lock their cases.
        return Q(Exists(Measure.objects.filter(pk=OuterRef("measure_id"), finding__case__status_public=True)))

    @property
    def case(self):
        """The case of the implemented measure (as `Incident.case`), so that either kind of item names its case."""
        return self.measure.finding.case
