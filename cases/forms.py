"""Forms of the cases app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from cases import selectors
from cases.choices import CaseRelation
from compliance.forms import normalise

if TYPE_CHECKING:
    from compliance.models import User


class CaseCodeField(forms.ModelChoiceField):
    """A case typed by its code (full-width letters and digits accepted), not chosen from a menu of every case."""

    widget = forms.TextInput

    def to_python(self, value: object):
        return super().to_python(normalise(value) if isinstance(value, str) else value)


class CaseLinkForm(forms.Form):
    """Regulator staff link the case to a related one, with a note in Japanese and English."""

    other = CaseCodeField(
        label=_("Related case (code)"),
        queryset=None,
        to_field_name="code",
        error_messages={"invalid_choice": _("No case has this code.")},
    )
    relation = forms.ChoiceField(label=_("Relation"), choices=CaseRelation.choices)
    note_ja = forms.CharField(label=_("Note (Japanese)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note_en = forms.CharField(label=_("Note (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = selectors.cases(user=user)
