"""Bilingual fields: every text kept as `<name>_ja` (the original) and `<name>_en` (its translation)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


def current_language() -> str:
    """The active interface language, `ja` or `en`."""
    return "en" if (translation.get_language() or "ja").startswith("en") else "ja"


def in_language(row: dict, base: str, language: str | None = None) -> str:
    """`row[<base>_en]` in English when given, else the Japanese original: for content kept as data."""
    original = row.get(f"{base}_ja", "")
    if (language or current_language()) == "en":
        return row.get(f"{base}_en") or original
    return original


class Localized:
    """A read-only attribute that answers `<base>_en` in English and `<base>_ja` otherwise.

    The Japanese original stands in where no translation was given.
    """

    def __init__(self, base: str) -> None:
        self.base = base

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        original = getattr(instance, f"{self.base}_ja")
        if current_language() == "en":
            return getattr(instance, f"{self.base}_en") or original
        return original


def _in_language(verbose: str, language: str) -> str:
    return format_lazy("{} ({})", verbose, language)


def bilingual_text(verbose: str, *, blank: bool = False) -> tuple[models.TextField, models.TextField]:
    """A pair of text fields: the Japanese original and its English translation."""
    return (
        models.TextField(_in_language(verbose, _("Japanese")), blank=blank),
        models.TextField(_in_language(verbose, _("English")), blank=True),
    )


def bilingual_name(verbose: str, *, max_length: int = 200) -> tuple[models.CharField, models.CharField]:
    """A pair of short name fields: Japanese and English."""
    return (
        models.CharField(_in_language(verbose, _("Japanese")), max_length=max_length),
        models.CharField(_in_language(verbose, _("English")), max_length=max_length, blank=True),
    )
