"""Forms of the pages on which regulator staff keep measures, the companies implementing them and items' dates.

A form only reads what the person typed (`compliance.forms_editing`); the service (`remediation.editing`) then
validates the whole record and writes it; a form never saves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError

from cases.models import SafeguardType
from compliance.forms import JapaneseDateField
from compliance.forms_editing import NamedChoiceField, RecordCodeField, RecordForm, label, record_formfield
from compliance.models import Company
from compliance.tracking import DATE_FIELDS
from remediation.models import Implementation, Measure

if TYPE_CHECKING:
    from compliance.models import User


class ImplementerForm(RecordForm):
    """A company implementing a measure, with the status and the due date or window its item starts with."""

    company = RecordCodeField(model=Company, example="kansai-td", label=label(Implementation, "company"))

    class Meta:
        model = Implementation
        fields = ["company", "status", *DATE_FIELDS]
        formfield_callback = record_formfield

    def clean(self) -> dict:
        """The dates checked here too, so that an error names the company's row (the service checks them again)."""
        cleaned = super().clean()
        item = Implementation(status=cleaned.get("status") or "", **{name: cleaned.get(name) for name in DATE_FIELDS})
        try:
            item.clean()
        except ValidationError as error:
            for name, errors in error.error_dict.items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, errors)
        return cleaned


ImplementerFormSet = forms.formset_factory(ImplementerForm, extra=3)


class MeasureForm(RecordForm):
    """A measure under a finding."""

    safeguard_type = NamedChoiceField(
        label=label(Measure, "safeguard_type"), queryset=SafeguardType.objects.all(), to_field_name="code"
    )

    class Meta:
        model = Measure
        fields = [
            "code",
            "safeguard_type",
            "kind",
            "text_ja",
            "text_en",
            "deadline_text",
            "submitted_on",
            "completed_on",
        ]
        formfield_callback = record_formfield


class MeasureCreateForm(MeasureForm):
    """A new measure with the companies implementing it, one row each (more can be added afterwards)."""

    def __init__(self, data=None, *, user: User, **kwargs) -> None:
        super().__init__(data, user=user, **kwargs)
        self.implementers = ImplementerFormSet(data, prefix="implementers", form_kwargs={"user": user})

    def is_valid(self) -> bool:
        return all([super().is_valid(), self.implementers.is_valid()])

    def implementer_rows(self) -> list[dict]:
        """The rows filled in, once valid."""
        return [row for row in self.implementers.cleaned_data if row]


class MeasureEditForm(MeasureForm):
    class Meta(MeasureForm.Meta):
        fields = MeasureForm.Meta.fields[1:]


class ItemDatesForm(forms.Form):
    """An open item's due date or window (or neither), at the version the person saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    due_on = JapaneseDateField(label=label(Implementation, "due_on"), required=False)
    window_start = JapaneseDateField(label=label(Implementation, "window_start"), required=False)
    window_end = JapaneseDateField(label=label(Implementation, "window_end"), required=False)
    deadline_text = forms.CharField(
        label=label(Implementation, "deadline_text"),
        required=False,
        max_length=200,
        help_text=Implementation._meta.get_field("deadline_text").help_text,
    )
    submitted_on = JapaneseDateField(label=label(Implementation, "submitted_on"), required=False)
    completed_on = JapaneseDateField(label=label(Implementation, "completed_on"), required=False)
