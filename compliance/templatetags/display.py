"""Filters for every template: dates (ISO, and in Japanese the era form beside them), yes/no/unknown, names."""

import datetime

from django import template
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from compliance.eras import format_era_date, format_era_month, has_era
from compliance.i18n import in_language
from compliance.record_names import kind_separator
from compliance.wording import coded, shorten

register = template.Library()


@register.filter
def isodate(value: datetime.date | None) -> str:
    """2024-03-06, or an empty string for no date."""
    return value.isoformat() if value else ""


@register.filter
def eradate(value: datetime.date | None) -> str:
    """令和6年3月6日, or an empty string for no date."""
    return format_era_date(value) if value else ""


@register.filter
def showdate(value: datetime.date | None) -> str:
    """A date as users in Japan expect it: ISO, followed in Japanese by the era form (none before 1873)."""
    if not value:
        return ""
    return _shown(value.isoformat(), format_era_date(value) if has_era(value) else "")


@register.filter
def showmonth(value: datetime.date | None) -> str:
    """A month: 2026-03, followed in Japanese by 令和8年3月 (none before 1873)."""
    if not value:
        return ""
    return _shown(value.isoformat()[:7], format_era_month(value) if has_era(value) else "")


def _shown(iso: str, era_form: str) -> str:
    if era_form and translation.get_language() == "ja":
        return format_html('<time datetime="{0}">{0}（{1}）</time>', iso, era_form)
    return format_html('<time datetime="{0}">{0}</time>', iso)


@register.filter
def tristate(value: bool | None) -> str:
    """Yes, No, or Not stated for a fact the source may not give."""
    if value is None:
        return _("Not stated")
    return _("Yes") if value else _("No")


@register.filter
def index(values: list, position: int):
    """The value at `position` of a list, for tables built from parallel series."""
    try:
        return values[position]
    except (IndexError, TypeError):
        return ""


@register.filter
def bilingual(row: dict, name: str) -> str:
    """`row[name_en]` in English when there is one, else `row[name_ja]`: for published content kept as data."""
    return in_language(row, name)


@register.filter
def fromiso(value: str | None) -> datetime.date | None:
    """A date kept as an ISO string in stored content, as a date for the date filters."""
    return datetime.date.fromisoformat(value) if value else None


@register.filter
def lookup(mapping: dict, key: str):
    """`mapping[key]`, or the key itself: choice labels for values kept as data."""
    return mapping.get(key, key) if mapping else key


@register.filter
def short(text: str | None) -> str:
    """A text shortened for a name: cut at a sentence or clause boundary (never inside an English word), with "…"."""
    return shorten(text or "")


@register.filter
def with_code(words: str, code: str) -> str:
    """Words first, then the code small beside them: `{{ finding.text|short|with_code:finding.code }}`."""
    return coded(words, code)


@register.filter
def record_name(name) -> str:
    """A record as the audit pages name it (`compliance.record_names.RecordName`): its kind, then its name, linked to
    its page when there is one to show, or marked when the record no longer exists or is not shown.

    A filter rather than an included template: an access-log page names thousands of records, and an include for
    each took seconds.
    """
    kind = format_html('<span class="record-kind">{}</span>{}', name.kind, kind_separator())
    if name.url:
        return format_html('{}<a href="{}">{}</a>', kind, name.url, name.label)
    if name.record is None:
        gone = _("no longer exists or not shown")
        return format_html('{}{} <span class="muted">({})</span>', kind, name.label, gone)
    return format_html("{}{}", kind, name.label)
