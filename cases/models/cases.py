"""Cases and what the regulator did and found in them: actions, findings, report drafts, links between cases."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    CASE_RELATION_REVERSE_LABELS,
    CaseRelation,
    CaseStatus,
    Side,
)
from cases.models.reference import Instrument, Law, LawArticle, SafeguardType, own_authority_pk
from compliance.access import RegulatorOnly, Scoped
from compliance.i18n import Localized, bilingual_text
from compliance.models import Company
from compliance.validators import CODE_VALIDATORS, DATE_VALIDATORS
from compliance.versioning import Versioned
from compliance.wording import coded_text, shorten


@pghistory.track()
class Case(Scoped, Versioned):
    """A supervision case: what the regulator found at some companies and what it asked of them."""

    code = models.SlugField(_("code"), unique=True, validators=CODE_VALIDATORS)
    title_ja, title_en = bilingual_text(_("title"))
    summary_ja, summary_en = bilingual_text(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices)
    opened_on = models.DateField(_("opened on"), validators=DATE_VALIDATORS)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, validators=DATE_VALIDATORS)
    law = models.ForeignKey(
        Law,
        verbose_name=_("law"),
        on_delete=models.PROTECT,
        related_name="cases",
        null=True,
        blank=True,
        help_text=_("The law the case is brought under: what 「法第27条」 means in its references."),
    )
    # A case the regulator opens is its own until it publishes it: the public portal lists published cases only.
    published = models.BooleanField(
        _("published on the portal"),
        default=False,
        help_text=_("Show the case on the public portal. A case opened in the product starts unpublished."),
    )
    # Until the regulator marks it, the public portal shows only what the report published.
    status_public = models.BooleanField(
        _("current status published"),
        default=False,
        help_text=_("Show the current status of each measure and open item on the public portal."),
    )

    authorities = models.ManyToManyField(
        "Authority",
        verbose_name=_("authorities"),
        related_name="cases",
        blank=True,
        help_text=_("The authorities that brought the case."),
    )

    title = Localized("title")
    summary = Localized("summary")

    class Meta:
        ordering = ["-opened_on", "code"]
        indexes = [models.Index(models.F("opened_on").desc(), "code", name="case_order")]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.CheckConstraint(name="case_status_valid", condition=Q(status__in=CaseStatus.values)),
            models.CheckConstraint(
                name="case_closed_after_opened",
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
            ),
        ]

    def __str__(self) -> str:
        return self.title_ja

    def clean(self) -> None:
        """A closed case has the day it closed, on or after the day it opened; an open one has none."""
        super().clean()
        if self.status == CaseStatus.CLOSED and self.closed_on is None:
            raise ValidationError({"closed_on": _("Give the day the case was closed.")})
        if self.status != CaseStatus.CLOSED and self.closed_on is not None:
            raise ValidationError({"closed_on": _("Only a closed case has a closing day.")})
        if self.closed_on is not None and self.opened_on is not None and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("A case cannot close before it opened.")})

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", kwargs={"case": self.code})


@pghistory.track()
class RegulatoryAction(Scoped, Versioned):
    """One dated step of the regulator in a case: guidance, a report request, a publication..."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="actions")
    code = models.SlugField(_("code"), max_length=80, validators=CODE_VALIDATORS)
    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.PROTECT, related_name="actions"
    )
    date = models.DateField(_("date"), validators=DATE_VALIDATORS)
    articles = models.ManyToManyField(LawArticle, verbose_name=_("law references"), related_name="actions", blank=True)
    addressees = models.ManyToManyField(
        Company, verbose_name=_("addressees"), related_name="regulatory_actions", blank=True
    )
    title_ja, title_en = bilingual_text(_("title"))
    source_ja, source_en = bilingual_text(_("source text"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    issuer = models.ForeignKey(
        "Authority",
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="issued_actions",
        default=own_authority_pk,
    )
    addressee_authorities = models.ManyToManyField(
        "Authority",
        verbose_name=_("authorities addressed"),
        related_name="addressed_actions",
        blank=True,
        help_text=_("Authorities the action is addressed to (a recommendation to a minister…)."),
    )

    title = Localized("title")
    source = Localized("source")

    class Meta:
        ordering = ["date", "position"]
        indexes = [
            models.Index(fields=["date", "position", "id"], name="regulatoryaction_order"),
            models.Index(fields=["date", "id"], name="regulatoryaction_date"),  # ?ordering=date
        ]
        verbose_name = _("regulatory action")
        verbose_name_plural = _("regulatory actions")
        constraints = [
            models.UniqueConstraint(name="regulatoryaction_unique_code", fields=["case", "code"]),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.title_ja}"


@pghistory.track()
class Finding(Scoped, Versioned):
    """A problem the regulator found (問題点): one row of the report's tables."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="findings")
    code = models.SlugField(_("code"), max_length=40, validators=CODE_VALIDATORS)
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    # In the order of the law's provisions (LawArticle's ordering).
    articles = models.ManyToManyField(LawArticle, verbose_name=_("law references"), related_name="findings", blank=True)
    # The personal-data law's taxonomy: required of a finding under such a law (`Law.safeguards_required`).
    safeguard_types = models.ManyToManyField(
        SafeguardType, verbose_name=_("safeguard types"), related_name="findings", blank=True
    )
    text_ja, text_en = bilingual_text(_("text"))
    affected_companies = models.ManyToManyField(Company, verbose_name=_("companies concerned"), related_name="findings")
    position = models.PositiveIntegerField(_("position"), default=0)

    text = Localized("text")

    class Meta:
        # By the case's id, not the case's own ordering: the index below serves every list of findings.
        ordering = ["case_id", "position", "pk"]
        indexes = [models.Index(fields=["case", "position", "id"], name="finding_order")]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.UniqueConstraint(name="finding_unique_code", fields=["case", "code"]),
            models.CheckConstraint(name="finding_side_valid", condition=Q(side__in=Side.values)),
        ]

    def __str__(self) -> str:
        return coded_text(shorten(self.text), self.code)

    def get_absolute_url(self) -> str:
        return reverse("cases:finding_detail", kwargs={"case": self.case.code, "code": self.code})


class ReportDraft(RegulatorOnly):
    """A report drafted from the live data of a case as of a day: a draft until a regulator administrator approves it.

    It keeps the public content it was drawn from, so that an approved report never changes afterwards,
    while the next draft follows the data.
    """

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="report_drafts")
    as_of = models.DateField(_("as of"), validators=DATE_VALIDATORS)
    content = models.JSONField(_("content"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report draft")
        verbose_name_plural = _("report drafts")
        constraints = [
            models.CheckConstraint(
                name="reportdraft_approved_completely",
                condition=Q(approved_by__isnull=True, approved_at__isnull=True)
                | Q(approved_by__isnull=False, approved_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.code} {self.as_of.isoformat()}"

    def get_absolute_url(self) -> str:
        return reverse("remediation:report_draft_detail", kwargs={"pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.approved_at is None


@pghistory.track()
class CaseLink(Scoped):
    """A link from one case to a related one: same companies, same events, another regulator's case, a follow-up.

    One link per pair of cases, whichever way it was made; each case's page shows it.
    """

    from_case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="links_from")
    to_case = models.ForeignKey(Case, verbose_name=_("related case"), on_delete=models.CASCADE, related_name="links_to")
    relation = models.CharField(_("relation"), max_length=24, choices=CaseRelation.choices)
    note_ja, note_en = bilingual_text(_("note"), blank=True)
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    note = Localized("note")

    class Meta:
        ordering = ["from_case_id", "to_case_id"]
        verbose_name = _("case link")
        verbose_name_plural = _("case links")
        constraints = [
            models.UniqueConstraint(
                Least("from_case", "to_case"),
                Greatest("from_case", "to_case"),
                name="caselink_once_per_pair",
                violation_error_message=_("These two cases are linked already."),
            ),
            models.CheckConstraint(
                name="caselink_not_to_itself",
                condition=~Q(from_case=models.F("to_case")),
                violation_error_message=_("A case cannot be linked to itself."),
            ),
            models.CheckConstraint(name="caselink_relation_valid", condition=Q(relation__in=CaseRelation.values)),
        ]

    def __str__(self) -> str:
        return f"{self.from_case.code} → {self.to_case.code} ({self.relation})"

    def other_case(self, case: Case) -> Case:
        """The case at the other end of the link from `case`."""
        return self.to_case if self.from_case_id == case.pk else self.from_case

    def label_from(self, case: Case) -> str:
        """How the other case stands to `case`, in the interface's language."""
        if self.from_case_id == case.pk:
            return self.get_relation_display()
        return str(CASE_RELATION_REVERSE_LABELS.get(self.relation, self.get_relation_display()))

    def direction_from(self, case: Case) -> str:
        """`outgoing` when `case` made the link, `incoming` when the other case did."""
        return "outgoing" if self.from_case_id == case.pk else "incoming"
