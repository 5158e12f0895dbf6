"""Incident pairs and incidents: who could see whose data, and what was done about it."""

from __future__ import annotations

import pghistory
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    DataKind,
)
from cases.models.cases import Case
from compliance.access import Scoped
from compliance.i18n import Localized, bilingual_text
from compliance.models import Company, CompanyGroup
from compliance.tracking import TrackedItem
from compliance.versioning import Versioned
from compliance.wording import coded_text, shorten


@pghistory.track()
class IncidentPair(Scoped, Versioned):
    """The two companies of one group whose inspection found incidents, with the total the report gives."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="incident_pairs")
    number = models.PositiveIntegerField(_("number"))
    group = models.ForeignKey(
        CompanyGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="incident_pairs"
    )
    companies = models.ManyToManyField(Company, verbose_name=_("companies"), related_name="incident_pairs")
    incident_total = models.PositiveIntegerField(_("incidents in total (as reported)"))

    class Meta:
        ordering = ["case_id", "number"]
        verbose_name = _("incident pair")
        verbose_name_plural = _("incident pairs")
        constraints = [
            models.UniqueConstraint(name="incidentpair_unique_number", fields=["case", "number"]),
            models.UniqueConstraint(name="incidentpair_unique_group", fields=["case", "group"]),
        ]

    def __str__(self) -> str:
        return f"{self.group.name} ({self.number})"

    def get_absolute_url(self) -> str:
        return reverse("cases:incident_list", kwargs={"case": self.case.code}) + f"#pair-{self.number}"


@pghistory.track()
class Incident(TrackedItem):
    """An improper incident (事象) found by the company-wide inspection, and the state of its fix.

    The report describes only the main incidents of each pair; the others it counts exist here too,
    marked as not described, with no detail invented for them.
    """

    item_kind = "incident"

    pair = models.ForeignKey(IncidentPair, verbose_name=_("pair"), on_delete=models.CASCADE, related_name="incidents")
    number = models.PositiveIntegerField(_("number within the pair"))
    label = models.CharField(_("label"), max_length=8, blank=True)
    described_in_report = models.BooleanField(_("described in the report"))
    viewer = models.ForeignKey(
        Company,
        verbose_name=_("company that could view"),
        on_delete=models.PROTECT,
        related_name="incidents_as_viewer",
        null=True,
        blank=True,
    )
    owner = models.ForeignKey(
        Company,
        verbose_name=_("company whose data it was"),
        on_delete=models.PROTECT,
        related_name="incidents_as_owner",
        null=True,
        blank=True,
    )
    mutual = models.BooleanField(_("each could view the other's data"), default=False)
    data_kind = models.CharField(_("kind of data"), max_length=24, choices=DataKind.choices, blank=True)
    was_used = models.BooleanField(_("data was used"), null=True, blank=True)
    involves_new_entrant_data = models.BooleanField(_("new-entrant customers' data involved"), null=True, blank=True)
    summary_ja, summary_en = bilingual_text(_("summary"), blank=True)
    fix_ja, fix_en = bilingual_text(_("fix"), blank=True)

    summary = Localized("summary")
    fix = Localized("fix")

    # An incident the report does not describe is known to the regulator alone: the report does not say
    # which company of the pair it belongs to.
    has_private_records = True

    class Meta(TrackedItem.Meta):
        ordering = ["pair_id", "number"]  # unique: the index of incident_unique_number serves it
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            *TrackedItem.Meta.constraints,
            models.UniqueConstraint(name="incident_unique_number", fields=["pair", "number"]),
            models.UniqueConstraint(name="incident_unique_label", fields=["pair", "label"], condition=~Q(label="")),
            models.CheckConstraint(
                name="incident_described_has_label_and_summary",
                condition=Q(described_in_report=False) | (~Q(label="") & ~Q(summary_ja="")),
            ),
            models.CheckConstraint(
                name="incident_undescribed_has_no_detail",
                condition=Q(described_in_report=True)
                | Q(
                    label="",
                    summary_ja="",
                    fix_ja="",
                    data_kind="",
                    viewer__isnull=True,
                    owner__isnull=True,
                    was_used__isnull=True,
                    involves_new_entrant_data__isnull=True,
                ),
            ),
            models.CheckConstraint(
                name="incident_viewer_is_not_owner",
                condition=Q(viewer__isnull=True) | Q(owner__isnull=True) | ~Q(viewer=models.F("owner")),
            ),
            models.CheckConstraint(
                name="incident_data_kind_valid", condition=Q(data_kind="") | Q(data_kind__in=DataKind.values)
            ),
        ]

    def __str__(self) -> str:
        words = shorten(self.summary) or _("Incident not described in the report")
        return coded_text(str(words), f"({self.pair.number}) {self.display_label}")

    @classmethod
    def visibility_filter(cls, *, company_id: int | None) -> Q:
        return Q(described_in_report=True)

    @classmethod
    def concern_filter(cls, *, company_id: int | None) -> Q:
        """An incident is the own record of each company of its pair."""
        # A subquery, not a join: one row per incident, and a locking read of incidents locks nothing else.
        pair_companies = IncidentPair.companies.through.objects.filter(
            incidentpair_id=OuterRef("pair_id"), company_id=company_id
        )
        return Q(Exists(pair_companies)) if company_id else Q(pk__in=[])

    def is_private_record(self) -> bool:
        return not self.described_in_report

    def clean(self) -> None:
        """A described incident has a label and a summary, a counted-only one no detail; viewer and owner differ."""
        super().clean()
        errors: dict[str, str] = {}
        if self.described_in_report:
            if not self.label:
                errors["label"] = _("A described incident has a label (ア, イ, ウ…).")
            if not self.summary_ja:
                errors["summary_ja"] = _("A described incident has a summary.")
        else:
            detail = {
                "label": self.label, "summary_ja": self.summary_ja, "summary_en": self.summary_en,
                "fix_ja": self.fix_ja, "fix_en": self.fix_en, "data_kind": self.data_kind,
                "viewer": self.viewer_id, "owner": self.owner_id,
                "was_used": self.was_used, "involves_new_entrant_data": self.involves_new_entrant_data,
            }  # fmt: skip
            for name, value in detail.items():
                if value not in ("", None):
                    errors[name] = _("An incident the report only counts has no detail.")
        if self.viewer_id is not None and self.viewer_id == self.owner_id:
            errors["owner"] = _("The company that could view and the company whose data it was are the same.")
        if errors:
            raise ValidationError(errors)

    @property
    def display_label(self) -> str:
        """ア, or "#4" for an incident the report counts but does not describe."""
        return self.label or f"#{self.number}"

    @property
    def case(self) -> Case:
        return self.pair.case

    def get_absolute_url(self) -> str:
        return reverse(
            "cases:incident_detail",
            kwargs={"case": self.pair.case.code, "pair": self.pair.number, "number": self.number},
        )
