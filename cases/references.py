"""Law references given by regulator staff, as a code, as typed text or as structured parts: found, or added.

Every form of input ends in `reference_find_or_create`, so that one provision is one record whichever way it was
given; whatever cannot be read whole is refused with the form expected (`cases.law_references`), never cut short.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.law_references import (
    LawReferenceError,
    ParsedReference,
    expected_form,
    parse_article,
    parse_reference,
    parse_sub_item,
)
from cases.law_references import reference_code as make_code
from cases.models import Case, Law, LawArticle
from compliance.editing import require_regulator, save_validated
from compliance.validators import CODE_PATTERN

if TYPE_CHECKING:
    from compliance.models import User

# The parts a structured reference may have; any other key is refused.
STRUCTURED_PARTS = ("law", "article", "paragraph", "item", "sub_item")


def law_names() -> dict[str, str]:
    """Every name a law goes by (name, short name, in Japanese and English, and its code) → the law's code."""
    names: dict[str, str] = {}
    for law in Law.objects.all():
        for name in (law.name_ja, law.short_name_ja, law.name_en, law.short_name_en):
            if name:
                names.setdefault(name, law.code)
    return names


def _number(value: object, part: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise LawReferenceError(_("%(part)s is a whole number from 1.") % {"part": part})
    try:
        number = int(str(value).strip())
    except ValueError:
        raise LawReferenceError(_("%(part)s is a whole number from 1.") % {"part": part}) from None
    if number < 1:
        raise LawReferenceError(_("%(part)s is a whole number from 1.") % {"part": part})
    return number


def parse_structured(parts: Mapping[str, object], *, default_law: str | None = None) -> ParsedReference:
    """{"law": "eba", "article": "2の17", "paragraph": 1, "item": 2, "sub_item": "イ"} read whole, or refused."""
    extra = sorted(set(parts) - set(STRUCTURED_PARTS))
    if extra:
        raise LawReferenceError(
            _("A law reference has no part named %(parts)s: give law, article, paragraph, item and sub_item.")
            % {"parts": ", ".join(extra)}
        )
    law = parts.get("law") or default_law
    if not isinstance(law, str):
        raise LawReferenceError(_("Say which law (its code, such as appi or eba)."))
    if parts.get("article") in (None, ""):
        raise LawReferenceError(_("Give the article number, such as 27 or 2の17."))
    article, branches = parse_article(parts["article"])  # type: ignore[arg-type]
    item = _number(parts.get("item"), _("The item (号)"))
    sub_item = parse_sub_item(parts.get("sub_item"))  # type: ignore[arg-type]
    if sub_item is not None and item is None:
        raise LawReferenceError(_("A sub-item (イ, ロ…) belongs to an item (号): give the item too."))
    return ParsedReference(
        law=law,
        article=article,
        branches=branches,
        paragraph=_number(parts.get("paragraph"), _("The paragraph (項)")),
        item=item,
        sub_item=sub_item,
    )


def parse_any(value: object, *, default_law: str | None, names: Mapping[str, str] | None = None) -> ParsedReference:
    """A reference typed as text or given as parts."""
    if isinstance(value, Mapping):
        return parse_structured(value, default_law=default_law)
    if isinstance(value, str):
        return parse_reference(value, laws=law_names() if names is None else names, default_law=default_law)
    raise LawReferenceError(_("Give a law reference as text (法第27条第1項) or as its parts (law, article…)."))


def reference_find_or_create(
    *, actor: User, parsed: ParsedReference, code: str = "", title_ja: str = "", title_en: str = ""
) -> LawArticle:
    """The reference record for these parts: the existing one, or a new one with the code given or made up."""
    require_regulator(actor)
    law = Law.objects.filter(code=parsed.law).first()
    if law is None:
        raise ValidationError({"law": _("No law has the code “%(code)s”.") % {"code": parsed.law}})
    parts = {
        "article": parsed.article,
        "branches": list(parsed.branches),
        "paragraph": parsed.paragraph,
        "item": parsed.item,
        "sub_item": parsed.sub_item,
    }
    with transaction.atomic():
        existing = LawArticle.objects.filter(law=law, **parts).first()
        if existing is not None:
            return existing
        if not code:
            code = make_code(law.code, parsed.article, parsed.branches, parsed.paragraph, parsed.item, parsed.sub_item)
            base, number = code, 1
            while LawArticle.objects.filter(code=code).exists():
                number += 1
                code = f"{base}-{number}"
        return save_validated(LawArticle(code=code, law=law, title_ja=title_ja, title_en=title_en, **parts))


def references_resolve(*, actor: User, values: Sequence[object], case: Case | None, field: str) -> list[LawArticle]:
    """The references a finding or an action cites, each given by code, typed text or parts; every problem named.

    A string that is the code of a known reference is that reference; any other string is read as typed text,
    「法第27条」 meaning the case's law.
    """
    default_law = case.law.code if case is not None and case.law_id else None
    names = law_names()
    records: list[LawArticle] = []
    problems: list[str] = []
    for value in values:
        if isinstance(value, LawArticle):
            records.append(value)
            continue
        if isinstance(value, str) and re.match(CODE_PATTERN, value):
            found = LawArticle.objects.filter(code=value).first()
            if found is not None:
                records.append(found)
                continue
        try:
            parsed = parse_any(value, default_law=default_law, names=names)
            records.append(reference_find_or_create(actor=actor, parsed=parsed))
        except LawReferenceError as error:
            message = str(error)
            if isinstance(value, str) and re.match(CODE_PATTERN, value):
                message = _(
                    "No law reference has the code “%(code)s”, and it cannot be read as a typed one either. %(form)s"
                ) % {"code": value, "form": expected_form()}
            problems.append(message)
        except ValidationError as error:
            problems += error.messages
    if problems:
        raise ValidationError({field: problems})
    return list(dict.fromkeys(records))
