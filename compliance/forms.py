"""Form fields shared by every app: dates as Japanese users type them."""

from __future__ import annotations

import datetime
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from compliance.eras import parse_era_date
from compliance.validators import DATE_VALIDATORS


def normalise(text: str) -> str:
    """NFKC for identifiers and dates: full-width digits and letters become their plain forms."""
    return unicodedata.normalize("NFKC", text).strip()


class JapaneseDateField(forms.DateField):
    """A date typed as 2026-03-01, 2026/03/01, 2026年3月1日, 令和8年3月1日, in full-width digits too; within the range
    the product accepts."""

    default_validators = DATE_VALIDATORS
    # The browser's date control (it sends ISO dates); what is typed or sent otherwise is still read as above.
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    default_error_messages = {
        "invalid": _("Enter a date such as 2026-03-01, 2026/03/01, 2026年3月1日 or 令和8年3月1日."),
    }

    def to_python(self, value: object) -> datetime.date | None:
        if isinstance(value, str):
            value = normalise(value)
            try:
                era_date = parse_era_date(value)
            except ValueError:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
            if era_date is not None:
                return era_date
        return super().to_python(value)
