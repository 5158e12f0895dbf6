"""Law references as people type them: 電気事業法第二条の十七第一項, 法27条1項, 第２７条第１項, 第2条の17の2第1項第3号ロ
(one line each, as the tests show).

Pure functions, no database: `parse_reference` reads a typed reference into its parts (law, article and its branch
numbers, paragraph 項, item 号, sub-item イ/ロ/ハ…), `parse_article` reads an article number such as "2の17",
and `format_ja`/`format_en` write a reference back. A text that cannot be read whole is refused with
`LawReferenceError`, whose message shows the form expected; no part is ever dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

# The sub-items of an item, in the order Japanese laws number them (いろは order); ン is never used.
IROHA = "イロハニホヘトチリヌルヲワカヨタレソツネナラムウヰノオクヤマケフコエテアサキユメミシヱヒモセス"

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMBER = r"[0-9〇零一二三四五六七八九十百千]+"
_REFERENCE = re.compile(
    rf"^第?(?P<article>{_NUMBER})条(?P<branches>(?:の{_NUMBER})*)"
    rf"(?:第?(?P<paragraph>{_NUMBER})項)?(?:第?(?P<item>{_NUMBER})号)?(?P<sub_item>[{IROHA}])?$"
)
_ARTICLE = re.compile(rf"^(?P<article>{_NUMBER})(?P<branches>(?:の{_NUMBER})*)$")
# What stands for "the law of the case" before an article: 法第27条 (as reports write once the law is named).
DEFAULT_LAW_WORD = "法"


class LawReferenceError(ValueError):
    """A typed law reference that cannot be read whole; the message says which form is expected."""


@dataclass(frozen=True)
class ParsedReference:
    """The parts of one law reference; `law` is the law's code, `sub_item` the position in いろは order (イ = 1)."""

    law: str
    article: int
    branches: tuple[int, ...] = ()
    paragraph: int | None = None
    item: int | None = None
    sub_item: int | None = None


def expected_form() -> str:
    """How a reference is written, for the messages that refuse one."""
    return _(
        "Write it as the law's name, then the article, paragraph, item and sub-item, e.g. "
        "電気事業法第2条の17第1項第2号イ; or 法第27条第1項 for the case's own law."
    )


def kanji_number(text: str) -> int:
    """27 from 27, ２７, 二十七 or 二七; raises ValueError for anything else."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii() and text.isdigit():
        return int(text)
    if not text or any(c not in _KANJI_DIGITS and c not in _KANJI_UNITS for c in text):
        raise ValueError(text)
    if not any(c in _KANJI_UNITS for c in text):
        # Written digit by digit: 二七 = 27, 一〇 = 10.
        return int("".join(str(_KANJI_DIGITS[c]) for c in text))
    total, digit = 0, None
    for c in text:
        if c in _KANJI_DIGITS:
            if digit is not None:
                raise ValueError(text)
            digit = _KANJI_DIGITS[c]
        else:
            total += (1 if digit is None else digit) * _KANJI_UNITS[c]
            digit = None
    return total + (digit or 0)


def _positive(text: str) -> int:
    number = kanji_number(text)
    if number < 1:
        raise ValueError(text)
    return number


def _normal(text: str) -> str:
    """Full-width digits and letters made plain, spaces and the 「」 quotes people copy along removed."""
    return re.sub(r"[\s「」『』]", "", unicodedata.normalize("NFKC", text))


def parse_article(text: str | int) -> tuple[int, tuple[int, ...]]:
    """The article number and its branch numbers: "2の17" → (2, (17,)), "2の17の2" → (2, (17, 2)), 27 → (27, ())."""
    if isinstance(text, int) and not isinstance(text, bool):
        if text < 1:
            raise LawReferenceError(_("An article number is a whole number from 1, such as 27 or 2の17."))
        return text, ()
    match = _ARTICLE.match(_normal(str(text)).removeprefix("第").replace("条", "").replace("-", "の"))
    try:
        if match is None:
            raise ValueError(text)
        article = _positive(match["article"])
        branches = tuple(_positive(b) for b in match["branches"].split("の")[1:])
    except ValueError:
        raise LawReferenceError(
            _("“%(text)s” is not an article number: write 27, or 2の17 (2の17の2) for an article with a branch number.")
            % {"text": text}
        ) from None
    return article, branches


def parse_sub_item(value: str | int | None) -> int | None:
    """The sub-item's position in いろは order: "イ" → 1, "ロ" → 2; a number is taken as that position."""
    if value in (None, ""):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if 1 <= value <= len(IROHA):
            return value
    elif isinstance(value, str) and len(text := _normal(value)) == 1 and text in IROHA:
        return IROHA.index(text) + 1
    raise LawReferenceError(
        _("“%(value)s” is not a sub-item: write one katakana letter in いろは order (イ, ロ, ハ…).") % {"value": value}
    )


def parse_reference(text: str, *, laws: Mapping[str, str], default_law: str | None = None) -> ParsedReference:
    """Read a typed reference whole, or refuse it with the form expected.

    `laws` maps each name a law goes by (its name, short name, English names) to its code; `default_law` is the
    code of the law that 「法第27条」 or a reference without a law's name means (the case's law), if any.
    """
    normal = _normal(text)
    if not normal:
        raise LawReferenceError(_("Give a law reference. %(form)s") % {"form": expected_form()})
    law, rest = None, normal
    # The longest name first: 電気事業法施行規則 before 電気事業法.
    for name in sorted((_normal(n) for n in laws if n), key=len, reverse=True):
        if normal.startswith(name):
            law, rest = laws[_name_key(laws, name)], normal[len(name) :]
            break
    if law is None:
        if rest.startswith(DEFAULT_LAW_WORD):
            rest = rest[len(DEFAULT_LAW_WORD) :]
        if not re.match(rf"^第?{_NUMBER}条", rest):
            raise LawReferenceError(
                _("“%(text)s” names no law the product knows, or is not a law reference. %(form)s")
                % {"text": text, "form": expected_form()}
            )
        if default_law is None:
            raise LawReferenceError(
                _("“%(text)s” does not say which law, and the case has no law of its own. %(form)s")
                % {"text": text, "form": expected_form()}
            )
        law = default_law
    match = _REFERENCE.match(rest)
    try:
        if match is None or (match["sub_item"] and not match["item"]):
            raise ValueError(rest)
        return ParsedReference(
            law=law,
            article=_positive(match["article"]),
            branches=tuple(_positive(b) for b in match["branches"].split("の")[1:]),
            paragraph=_positive(match["paragraph"]) if match["paragraph"] else None,
            item=_positive(match["item"]) if match["item"] else None,
            sub_item=IROHA.index(match["sub_item"]) + 1 if match["sub_item"] else None,
        )
    except ValueError:
        raise LawReferenceError(
            _("“%(text)s” cannot be read as a law reference. %(form)s") % {"text": text, "form": expected_form()}
        ) from None


def _name_key(laws: Mapping[str, str], normal_name: str) -> str:
    return next(name for name in laws if _normal(name) == normal_name)


# Writing a reference back ----------------------------------------------------------------------------------------


def roman(number: int) -> str:
    """ii for 2: the English way of numbering a Japanese law's items."""
    numerals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl")]
    numerals += [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, letters in numerals:
        while number >= value:
            out += letters
            number -= value
    return out


def sub_item_kana(sub_item: int) -> str:
    """イ for 1."""
    return IROHA[sub_item - 1]


def sub_item_letter(sub_item: int) -> str:
    """a for 1 (イ), b for 2 (ロ); past z, aa, bb…"""
    letter = "abcdefghijklmnopqrstuvwxyz"[(sub_item - 1) % 26]
    return letter * ((sub_item - 1) // 26 + 1)


def article_text(article: int, branches: Sequence[int]) -> str:
    """2の17: the article number as typed and sent."""
    return "の".join(str(n) for n in (article, *branches))


def format_ja(
    law: str,
    article: int,
    branches: Sequence[int] = (),
    paragraph: int | None = None,
    item: int | None = None,
    sub_item: int | None = None,
) -> str:
    """電気事業法第2条の17第1項第2号イ"""
    text = f"{law}第{article}条" + "".join(f"の{b}" for b in branches)
    text += f"第{paragraph}項" if paragraph else ""
    text += f"第{item}号" if item else ""
    return text + (sub_item_kana(sub_item) if sub_item else "")


def format_en(
    law: str,
    article: int,
    branches: Sequence[int] = (),
    paragraph: int | None = None,
    item: int | None = None,
    sub_item: int | None = None,
) -> str:
    """Electricity Business Act, Art. 2-17(1)(ii)(a)"""
    text = f"Art. {article}" + "".join(f"-{b}" for b in branches)
    text += f"({paragraph})" if paragraph else ""
    text += f"({roman(item)})" if item else ""
    text += f"({sub_item_letter(sub_item)})" if sub_item else ""
    return f"{law}, {text}" if law else text


def reference_code(
    law: str,
    article: int,
    branches: Sequence[int] = (),
    paragraph: int | None = None,
    item: int | None = None,
    sub_item: int | None = None,
) -> str:
    """The code a new reference gets: eba-2no17-1-i2-a for 電気事業法第2条の17第1項第2号イ; appi-146-1 as before."""
    parts = [law, "no".join(str(n) for n in (article, *branches))]
    parts += [str(paragraph)] if paragraph else []
    parts += [f"i{item}"] if item else []
    parts += [sub_item_letter(sub_item)] if sub_item else []
    return "-".join(parts)
