"""Validation rules shared by the models, the forms, the API and case files."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from compliance.eras import GREGORIAN_ADOPTION

# A record's code: lower-case letters, digits, hyphens and underscores, starting with a letter or a digit. The codes
# are the keys of case files and of URLs, so the models, the forms, the API and case files all hold to this one.
CODE_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"

# Codes that are the names of pages (/cases/new/, /cases/import/, /companies/new/…): a record given one would be
# hidden behind that page.
RESERVED_CODES = frozenset({"new", "import"})


validate_code_form = RegexValidator(
    CODE_PATTERN,
    _("Use lower-case letters, digits, hyphens and underscores, starting with a letter or a digit."),
    code="invalid_code",
)


def validate_not_reserved(value: str) -> None:
    """Refuse a record code that is the name of a page."""
    if value in RESERVED_CODES:
        message = _("“%(code)s” is the name of a page: choose another code.")
        raise ValidationError(message, code="reserved", params={"code": value})


# Every record code's checks, for the models' `code` fields.
CODE_VALIDATORS = [validate_code_form, validate_not_reserved]


# The dates the product accepts: from the day Japan adopted the Gregorian calendar (明治6年1月1日), the first it can
# write in era form, to the end of 2100. One rule for every date field of every model, every form, the API and case
# files; what is stored already outside it is still shown (as a plain Gregorian date before 1873).
FIRST_DATE = GREGORIAN_ADOPTION
LAST_DATE = datetime.date(2100, 12, 31)


def validate_supported_date(value: datetime.date | None) -> None:
    """Refuse a date outside FIRST_DATE … LAST_DATE, naming the range."""
    if value is not None and not FIRST_DATE <= value <= LAST_DATE:
        raise ValidationError(
            _("Enter a date from %(first)s to %(last)s."),
            code="date_out_of_range",
            params={"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()},
        )


DATE_VALIDATORS = [validate_supported_date]
