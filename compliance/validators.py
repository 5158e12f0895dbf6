"""Validation rules shared by the models, the forms, the API and case files."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Codes that are the names of pages (/cases/new/, /cases/import/, /companies/new/…): a record given one would be
# hidden behind that page.
RESERVED_CODES = frozenset({"new", "import"})


def validate_not_reserved(value: str) -> None:
    """Refuse a record code that is the name of a page."""
    if value in RESERVED_CODES:
        message = _("“%(code)s” is the name of a page: choose another code.")
        raise ValidationError(message, code="reserved", params={"code": value})
