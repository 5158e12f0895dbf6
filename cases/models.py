"""Cases and what the regulator found in them: actions, law articles, findings, incidents."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    CASE_RELATION_REVERSE_LABELS,
    AuthorityKind,
    CaseRelation,
    CaseStatus,
    DataKind,
    Side,
)
from cases.law_references import IROHA, article_text, format_en, format_ja, sub_item_kana
from compliance.access import RegulatorOnly, Scoped
from compliance.i18n import Localized, bilingual_name, bilingual_text
from compliance.models import Company, CompanyGroup
from compliance.reference import NamedReference
from compliance.tracking import TrackedItem
from compliance.validators import CODE_VALIDATORS, DATE_VALIDATORS
from compliance.wording import coded_text, shorten


@pghistory.track()
class Law(NamedReference):
    """A law that cases are brought under: 個人情報保護法, 電気事業法…; references and instruments belong to one."""

    short_name_ja, short_name_en = bilingual_name(_("short name"), max_length=100)
    number = models.CharField(_("law number"), max_length=40, blank=True, help_text=_("e.g. 平成15年法律第57号"))
    safeguards_required = models.BooleanField(
        _("findings name safeguard types"),
        default=False,
        help_text=_("A finding that cites this law names the safeguard types its measures fall under."),
    )

    short_name = Localized("short_name")

    class Meta(NamedReference.Meta):
        verbose_name = _("law")
        verbose_name_plural = _("laws")

    def __str__(self) -> str:
        return self.short_name_ja or self.name_ja


@pghistory.track()
class LawArticle(Scoped):
    """A reference to a provision of a law (条, its branch numbers, 項, 号, イ/ロ/ハ) that findings and actions cite."""

    code = models.SlugField(_("code"), unique=True, validators=CODE_VALIDATORS)
    law = models.ForeignKey(Law, verbose_name=_("law"), on_delete=models.PROTECT, related_name="articles")
    article = models.PositiveIntegerField(_("article"), validators=[MinValueValidator(1)])
    # 第2条の17の2: [17, 2]. An array sorts element by element, so 第2条 < 第2条の17 < 第2条の17の2 < 第3条.
    branches = ArrayField(
        models.PositiveIntegerField(validators=[MinValueValidator(1)]),
        verbose_name=_("branch numbers"),
        default=list,
        blank=True,
    )
    paragraph = models.PositiveIntegerField(_("paragraph"), null=True, blank=True, validators=[MinValueValidator(1)])
    item = models.PositiveIntegerField(_("item"), null=True, blank=True, validators=[MinValueValidator(1)])
    # The place in いろは order (イ = 1), so that sub-items sort as the law numbers them.
    sub_item = models.PositiveIntegerField(
        _("sub-item"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(len(IROHA))]
    )
    title_ja = models.CharField(_("title (Japanese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)

    title = Localized("title")

    class Meta:
        ordering = [
            "law_id",
            "article",
            "branches",
            models.F("paragraph").asc(nulls_first=True),
            models.F("item").asc(nulls_first=True),
            models.F("sub_item").asc(nulls_first=True),
        ]
        verbose_name = _("law reference")
        verbose_name_plural = _("law references")
        constraints = [
            models.UniqueConstraint(
                name="lawarticle_unique_reference",
                fields=["law", "article", "branches", "paragraph", "item", "sub_item"],
                nulls_distinct=False,
                violation_error_message=_("This law reference exists already."),
            ),
            models.CheckConstraint(
                name="lawarticle_sub_item_of_an_item",
                condition=Q(sub_item__isnull=True) | Q(item__isnull=False),
                violation_error_message=_("A sub-item (イ, ロ…) belongs to an item (号): give the item too."),
            ),
        ]

    def __str__(self) -> str:
        return self.reference_ja

    def clean(self) -> None:
        """A sub-item belongs to an item."""
        super().clean()
        if self.sub_item is not None and self.item is None:
            raise ValidationError({"item": _("A sub-item (イ, ロ…) belongs to an item (号): give the item too.")})

    def _parts(self) -> dict:
        return {
            "article": self.article,
            "branches": self.branches or (),
            "paragraph": self.paragraph,
            "item": self.item,
            "sub_item": self.sub_item,
        }

    @property
    def reference_ja(self) -> str:
        """電気事業法第2条の17第1項第2号イ"""
        return format_ja(self.law.short_name_ja or self.law.name_ja, **self._parts())

    @property
    def reference_en(self) -> str:
        """Electricity Business Act, Art. 2-17(1)(ii)(a)"""
        return format_en(self.law.short_name_en or self.law.name_en or self.law.short_name_ja, **self._parts())

    @property
    def article_text(self) -> str:
        """2の17: the article as the API takes and gives it."""
        return article_text(self.article, self.branches or ())

    @property
    def sub_item_kana(self) -> str:
        """イ, or "" for none."""
        return sub_item_kana(self.sub_item) if self.sub_item else ""

    @property
    def sort_key(self) -> tuple:
        """The order of references in Python, as Meta.ordering in the database."""
        return (self.law_id, self.article, tuple(self.branches or ()), self.paragraph or 0, self.item or 0,
                self.sub_item or 0)  # fmt: skip

    reference = Localized("reference")


@pghistory.track()
class Instrument(Scoped):
    """What a law lets the regulator do (指導・助言, 勧告, 命令, 報告徴収…): the kinds of regulatory actions."""

    law = models.ForeignKey(Law, verbose_name=_("law"), on_delete=models.PROTECT, related_name="instruments")
    code = models.SlugField(_("code"), unique=True, validators=CODE_VALIDATORS)
    name_ja, name_en = bilingual_name(_("name"))
    position = models.PositiveIntegerField(_("position"), default=0)

    name = Localized("name")

    class Meta:
        ordering = ["law_id", "position", "code"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return f"{self.name_ja}（{self.law}）"


@pghistory.track()
class SafeguardType(NamedReference):
    """A class of measures: the four security control measures of Art. 23 and two more headings."""

    class Meta(NamedReference.Meta):
        verbose_name = _("safeguard type")
        verbose_name_plural = _("safeguard types")


# The authority the product's regulator is: a case opened without authorities is its case, an action without an
# issuer its action. Seeded by the migration that brought authorities in (cases 0015).
OWN_AUTHORITY = {
    "code": "ppc",
    "name_ja": "個人情報保護委員会",
    "name_en": "Personal Information Protection Commission",
    "kind": AuthorityKind.COMMISSION,
}


@pghistory.track()
class Authority(NamedReference):
    """A public body that brings cases and issues actions, or receives them: a commission, a ministry, a minister…"""

    kind = models.CharField(_("kind"), max_length=16, choices=AuthorityKind.choices)

    class Meta(NamedReference.Meta):
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        constraints = [
            models.CheckConstraint(name="authority_kind_valid", condition=Q(kind__in=AuthorityKind.values)),
        ]

    @classmethod
    def own(cls) -> Authority:
        """The regulator's own authority (the PPC), made if a database emptied since its migration lacks it."""
        values = {k: v for k, v in OWN_AUTHORITY.items() if k != "code"}
        return cls.objects.get_or_create(code=OWN_AUTHORITY["code"], defaults=values)[0]


def own_authority_pk() -> int:
    """The default issuer of an action: the regulator's own authority."""
    return Authority.own().pk


@pghistory.track()
class Case(Scoped):
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
class RegulatoryAction(Scoped):
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
        verbose_name = _("regulatory action")
        verbose_name_plural = _("regulatory actions")
        constraints = [
            models.UniqueConstraint(name="regulatoryaction_unique_code", fields=["case", "code"]),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.title_ja}"


@pghistory.track()
class Finding(Scoped):
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
        ordering = ["case_id", "position"]
        indexes = [models.Index(fields=["case", "position"], name="finding_order")]
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


@pghistory.track()
class IncidentPair(Scoped):
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
        ordering = ["pair", "number"]
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
