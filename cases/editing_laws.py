"""Regulator staff add, correct and remove law references: one provision, one record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.law_references import LawReferenceError
from cases.models import (
    Law,
    LawArticle,
)
from cases.references import parse_any, parse_structured, reference_find_or_create
from compliance.editing import (
    assign,
    locked_at,
    require_no_dependents,
    require_regulator,
    save_changes,
)

if TYPE_CHECKING:
    from compliance.models import User

LAW_ARTICLE_FIELDS = ("title_ja", "title_en")
LAW_ARTICLE_PARTS = ("law", "article", "paragraph", "item", "sub_item")


def law_article_create(
    *,
    actor: User,
    code: str = "",
    text: str = "",
    law: Law | str | None = None,
    article: int | str | None = None,
    paragraph: int | None = None,
    item: int | None = None,
    sub_item: int | str | None = None,
    title_ja: str = "",
    title_en: str = "",
) -> LawArticle:
    """Regulator staff add a reference to any law (個人情報保護法, 電気事業法…), typed as text or given by parts.

    A reference the product knows already is refused: one provision is one record.
    """
    require_regulator(actor)
    if text and any(v not in (None, "") for v in (law, article, paragraph, item, sub_item)):
        raise ValidationError({"text": _("Give the reference as text or by its parts, not both.")})
    try:
        if text:
            parsed = parse_any(text, default_law=None)
        else:
            parts = {"law": law.code if isinstance(law, Law) else law, "article": article}
            parsed = parse_structured(parts | {"paragraph": paragraph, "item": item, "sub_item": sub_item})
    except LawReferenceError as error:
        raise ValidationError({"text" if text else "article": str(error)}) from None
    with transaction.atomic():
        existing = LawArticle.objects.filter(
            law__code=parsed.law,
            article=parsed.article,
            branches=list(parsed.branches),
            paragraph=parsed.paragraph,
            item=parsed.item,
            sub_item=parsed.sub_item,
        ).first()
        if existing is not None:
            raise ValidationError(
                {"article": _("%(reference)s is known already, as %(code)s.")
                 % {"reference": existing.reference_ja, "code": existing.code}}
            )  # fmt: skip
        return reference_find_or_create(actor=actor, parsed=parsed, code=code, title_ja=title_ja, title_en=title_en)


def law_article_update(*, actor: User, law_article: LawArticle, version: int | None, **changes: object) -> LawArticle:
    """Regulator staff correct a law reference's parts or title (its code stays), at the version they saw."""
    require_regulator(actor)
    with transaction.atomic():
        law_article = locked_at(law_article, version)
        parts = {name: changes.pop(name) for name in LAW_ARTICLE_PARTS if name in changes}
        if parts:
            current = {
                "law": law_article.law.code,
                "article": law_article.article_text,
                "paragraph": law_article.paragraph,
                "item": law_article.item,
                "sub_item": law_article.sub_item,
            }
            law = parts.get("law")
            parts = current | parts | ({"law": law.code} if isinstance(law, Law) else {})
            try:
                parsed = parse_structured(parts)
            except LawReferenceError as error:
                raise ValidationError({"article": str(error)}) from None
            new_law = Law.objects.filter(code=parsed.law).first()
            if new_law is None:
                raise ValidationError({"law": _("No law has the code “%(code)s”.") % {"code": parsed.law}})
            parts = {
                "law": new_law,
                "article": parsed.article,
                "branches": list(parsed.branches),
                "paragraph": parsed.paragraph,
                "item": parsed.item,
                "sub_item": parsed.sub_item,
            }
        changed = assign(law_article, parts, parts) + assign(law_article, changes, LAW_ARTICLE_FIELDS)
        return save_changes(law_article, changed)


def law_article_delete(*, actor: User, law_article: LawArticle, version: int | None) -> None:
    """Regulator staff remove a law article added by mistake, at the version they saw: refused while a finding or an
    action rests on it."""
    require_regulator(actor)
    with transaction.atomic():
        law_article = locked_at(law_article, version)
        require_no_dependents(law_article)
        law_article.delete()


# Regulatory actions -----------------------------------------------------------------------------------------
