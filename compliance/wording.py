"""Names in words: a text shortened to fit a heading, a link or a mail subject, its code kept small beside it."""

from __future__ import annotations

import re

from django.utils.html import format_html
from django.utils.safestring import SafeString

# How much of a text a name keeps. A Japanese character carries about as much as two Latin ones (measured on the
# report's measures: their English texts are about twice as long), so an English name may run longer.
CJK_CHARS = 40
LATIN_CHARS = 64
ELLIPSIS = "…"

# Where a text may be cut: after the end of a sentence or of a clause.
_JA_BOUNDARY = re.compile(r"[。．！？、，；：）」]|[（(「]")
_OPENING = "（(「"
_LATIN_BOUNDARY = re.compile(r"[.;:,!?)](?=\s)|\s[—–-]\s")
_TRAILING = " 、，,;:；：—–-"


def is_latin(text: str) -> bool:
    """Whether a text is written in Latin letters (an English translation) rather than in Japanese."""
    return not re.search(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]", text)


def shorten(text: str, limit: int | None = None) -> str:
    """The text, or its beginning up to a sentence or clause boundary (or a word, or ~`limit` characters) and "…".

    English is never cut inside a word; Japanese, which has no spaces, is cut at 、 or 。 when one falls in the
    second half of the limit, else at the limit.
    """
    text = " ".join(text.split())
    latin = is_latin(text)
    limit = limit or (LATIN_CHARS if latin else CJK_CHARS)
    if len(text) <= limit + limit // 4:  # a little over the limit is worth keeping whole
        return text
    head = text[: limit + 1]
    # Cut after a mark (、 or a comma), before a spaced dash or an opening bracket.
    pattern = _LATIN_BOUNDARY if latin else _JA_BOUNDARY
    boundaries = [
        m.start() if m.group()[0].isspace() or m.group() in _OPENING else m.end() for m in pattern.finditer(head)
    ]
    fitting = [cut for cut in boundaries if limit // 2 <= cut <= limit]
    # Rather not leave a bracket open: "システム（以下「本件システム」…" reads worse than "システム…".
    fitting = [cut for cut in fitting if _balanced(text[:cut])] or fitting
    if fitting:
        cut = fitting[-1]
    elif latin and " " in head[1:]:
        cut = head.rindex(" ")
    else:
        cut = limit
    return text[:cut].rstrip(_TRAILING).rstrip("。．") + ELLIPSIS


def _balanced(text: str) -> bool:
    return all(text.count(o) == text.count(c) for o, c in ("（）", "()", "「」"))


def coded(words: str, code: str) -> SafeString:
    """Words first, then the code, small: `words <span class="code">td-1-m3</span>`."""
    if not code:
        return format_html("{}", words)
    return format_html('{} <span class="code">{}</span>', words, code)


def coded_text(words: str, code: str) -> str:
    """Words first, then the code in brackets, for plain text (mail subjects, calendar events, page titles)."""
    return f"{words} [{code}]" if code else words
