"""Filters that name things in words first, codes second: `{{ item|item_name }}`, `{{ measure|measure_name }}`."""

from django import template
from django.utils.safestring import SafeString

from compliance.wording import coded, coded_text
from remediation import naming

register = template.Library()


@register.filter
def item_name(item) -> SafeString:
    """What must be done, by whom, by when, then the code small: for headings, links and cells."""
    return naming.item_name(item) if item is not None else ""


@register.filter
def item_name_text(item) -> str:
    """The same as plain text, the code in brackets: for page titles and mail."""
    return naming.item_name_text(item) if item is not None else ""


@register.filter
def item_words(item) -> str:
    """The item in words without its code."""
    return naming.item_words(item) if item is not None else ""


@register.filter
def item_what(item) -> str:
    """What must be done, shortened, without company, date or code."""
    return naming.item_what(item) if item is not None else ""


@register.filter
def measure_name(measure) -> SafeString:
    """A measure's own text, shortened, then its code small."""
    return coded(naming.measure_words(measure), measure.code)


@register.filter
def measure_name_text(measure) -> str:
    """A measure's own text, shortened, then its code in brackets."""
    return coded_text(naming.measure_words(measure), measure.code)
