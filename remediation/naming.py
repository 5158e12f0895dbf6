"""A tracked item's name in words: what must be done, by whom, by when; its code beside it, small.

Every page, mail, export and the calendar feed name an item through here, so that a person reads the measure's (or
the incident's) own words, the company and the date before the internal code (`td-1-m3`, `(2) ア`).
"""

from __future__ import annotations

import datetime

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from compliance.i18n import current_language
from compliance.tracking import TrackedItem
from compliance.wording import coded, coded_text, shorten


def item_code(item: TrackedItem) -> str:
    """The item's internal code: the measure's (`td-1-m3`), or the incident's pair and label (`(2) ア`)."""
    if item.item_kind == "implementation":
        return item.measure.code
    return f"({item.pair.number}) {item.display_label}"


def item_what(item: TrackedItem) -> str:
    """What must be done, shortened: the measure's text, or the incident's summary, in the page's language."""
    if item.item_kind == "implementation":
        return measure_words(item.measure)
    if not item.summary_ja:  # an incident the report counts but does not describe
        return _("Incident not described in the report")
    return shorten(localized(item.summary_ja, item.summary_en))


def item_who(item: TrackedItem) -> str:
    """Who must do it: the implementing company, or the group of the incident's pair."""
    return item.company.name if item.item_kind == "implementation" else item.pair.group.name


def item_when(item: TrackedItem) -> str:
    """By when: `by 2031-03-31`, or a window `2026-03 – 2031-03-31`; the published dates when the current are hidden."""
    if item.dates_hidden:
        start, end, due = item.baseline_window_start, item.baseline_window_end, item.baseline_due_on
    else:
        start, end, due = item.window_start, item.window_end, item.due_on
    if end is not None and start is not None:
        return window_text(start, end)
    if due is not None:
        return _("by %(day)s") % {"day": due.isoformat()}
    return ""


def window_text(start: datetime.date, end: datetime.date) -> str:
    """A window as the date pages show it, in words: `2026-03 – 2031-03-31` (`2026-03〜2031-03-31` in Japanese)."""
    return _("%(start)s – %(end)s") % {"start": start.isoformat()[:7], "end": end.isoformat()}


def item_words(item: TrackedItem, *, dated: bool = True) -> str:
    """The item in words, without its code: `what — who, when` (without the date when `dated` is false)."""
    what, who, when = item_what(item), item_who(item), item_when(item) if dated else ""
    if when:
        return _("%(what)s — %(who)s, %(when)s") % {"what": what, "who": who, "when": when}
    return _("%(what)s — %(who)s") % {"what": what, "who": who}


def item_name(item: TrackedItem) -> SafeString:
    """The item's name for a page: its words, then its code small (`<span class="code">`)."""
    return coded(item_words(item), item_code(item))


def item_name_text(item: TrackedItem, *, dated: bool = True) -> str:
    """The item's name as plain text (mail, calendar, exports, page titles): its words, then `[code]`."""
    return coded_text(item_words(item, dated=dated), item_code(item))


def measure_words(measure) -> str:
    """A measure's own text, shortened, in the page's language."""
    return shorten(localized(measure.text_ja, measure.text_en))


def localized(text_ja: str, text_en: str) -> str:
    """The English text on an English page when there is one, else the Japanese original."""
    return (text_en or text_ja) if current_language() == "en" else text_ja
