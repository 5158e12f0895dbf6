"""The reference data of cases: laws, law references, instruments, safeguard types and authorities."""

from __future__ import annotations

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    AuthorityKind,
)
from cases.law_references import IROHA, article_text, format_en, format_ja, sub_item_kana
from compliance.access import Scoped
from compliance.i18n import Localized, bilingual_name
from compliance.keyset import keyset_index
from compliance.reference import NamedReference
from compliance.validators import CODE_VALIDATORS
from compliance.versioning import Versioned


@pghistory.track()
class Law(NamedReference, Versioned):
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
class LawArticle(Scoped, Versioned):
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
        indexes = [
            keyset_index(
                "law",
                "article",
                "branches",
                ("paragraph", models.PositiveIntegerField),
                ("item", models.PositiveIntegerField),
                ("sub_item", models.PositiveIntegerField),
                "id",
                name="lawarticle_order",
                nulls_low=True,
            )
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
class Instrument(Scoped, Versioned):
    """What a law lets the regulator do (指導・助言, 勧告, 命令, 報告徴収…): the kinds of regulatory actions."""

    law = models.ForeignKey(Law, verbose_name=_("law"), on_delete=models.PROTECT, related_name="instruments")
    code = models.SlugField(_("code"), unique=True, validators=CODE_VALIDATORS)
    name_ja, name_en = bilingual_name(_("name"))
    position = models.PositiveIntegerField(_("position"), default=0)

    name = Localized("name")

    class Meta:
        ordering = ["law_id", "position", "code"]
        indexes = [models.Index(fields=["law", "position", "code"], name="instrument_order")]
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
class Authority(NamedReference, Versioned):
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
