"""Forms of the pages on which regulator staff keep records, and the companies and groups the product does not know yet.

A form only reads what the person typed: the record's own fields as the model defines them (labels, choices,
limits), dates as Japanese users type them, related records by code. The service then validates the whole
record and writes it (`compliance.services`, `cases.editing`, `remediation.editing`); a form never saves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import slug_re
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from compliance.forms import JapaneseDateField, normalise
from compliance.list_filters import code_input
from compliance.models import Company, CompanyGroup
from compliance.validators import CODE_VALIDATORS

if TYPE_CHECKING:
    from compliance.models import User

# Codes typed in one box: separated by spaces or commas, the Japanese comma too.
CODE_SEPARATORS = re.compile(r"[\s,、]+")


def label(model: type[models.Model], name: str) -> str:
    """A field's name as the model gives it, for a form's label."""
    return capfirst(model._meta.get_field(name).verbose_name)


class NewCodeField(forms.SlugField):
    """The code of a new record (full-width letters and digits accepted); the codes of pages are refused."""

    def to_python(self, value: object) -> str:
        return super().to_python(normalise(value) if isinstance(value, str) else value)

    default_validators = CODE_VALIDATORS


class RecordCodeField(forms.CharField):
    """Related records typed by code rather than chosen from a menu (the product knows thousands of companies).

    With `many`, several codes separated by spaces or commas, in the order typed. Full-width characters are
    accepted. The form sets the queryset to the records the person may see.
    """

    def __init__(self, *, model: type[models.Model], many: bool = False, example: str = "", **kwargs) -> None:
        kwargs.setdefault("widget", code_input(example))
        if many:
            kwargs.setdefault("help_text", _("Codes separated by spaces or commas."))
        super().__init__(**kwargs)
        self.model, self.many = model, many
        self.queryset = model.objects.none()

    def to_python(self, value: object) -> str | list[str]:
        text = normalise(super().to_python(value))
        if not self.many:
            return text
        return list(dict.fromkeys(code for code in CODE_SEPARATORS.split(text) if code))

    def clean(self, value: object):
        codes = super().clean(value)
        wanted = codes if self.many else [codes] if codes else []
        # Only what could be a code reaches the database.
        found = {r.code: r for r in self.queryset.filter(code__in=[c for c in wanted if slug_re.match(c)])}
        missing = [code for code in wanted if code not in found]
        if missing:
            message = ngettext(
                "No %(record)s has this code: %(codes)s.", "No %(record)s has these codes: %(codes)s.", len(missing)
            )
            params = {"record": self.model._meta.verbose_name, "codes": ", ".join(missing)}
            raise ValidationError(message % params, code="unknown_code")
        records = [found[code] for code in wanted]
        return records if self.many else (records[0] if records else None)

    def prepare_value(self, value: object) -> object:
        """Records shown as their codes, when the form shows a record's current relations."""
        if isinstance(value, models.Model):
            return value.code
        if isinstance(value, list | tuple) and all(isinstance(v, models.Model) for v in value):
            return " ".join(v.code for v in value)
        return value


def record_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """The form field of a model field: Japanese dates, short text areas, codes with full-width characters."""
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs["form_class"] = JapaneseDateField
    elif isinstance(db_field, models.SlugField):
        kwargs["form_class"] = NewCodeField
    elif isinstance(db_field, models.TextField):
        kwargs["widget"] = forms.Textarea(attrs={"rows": 3})
    return db_field.formfield(**kwargs)


def blank_choice_in_words(field: forms.Field | None) -> forms.Field | None:
    """A menu's empty choice in words, not "---------": "Choose one" when a choice is needed, "None" otherwise."""
    if field is None:
        return None
    label = pgettext_lazy("form choice", "Choose one") if field.required else pgettext_lazy("form choice", "None")
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label is not None:
            field.empty_label = label
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if choices and choices[0][0] in ("", None) and choices[0][1] == "---------":
            field.choices = [("", label), *choices[1:]]
    return field


class RecordForm(forms.ModelForm):
    """A record's fields, for a service to write: the form reads the input, the service validates and saves.

    `user` scopes the records that codes and menus may name. Given an `instance`, the form starts from its
    values, relations shown as codes.
    """

    def __init__(self, *args, user: User, **kwargs) -> None:
        given = kwargs.get("initial") or {}
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            blank_choice_in_words(field)
            if isinstance(field, RecordCodeField):
                field.queryset = field.model.objects.visible_to(user)
            elif isinstance(field, forms.ModelChoiceField):
                field.queryset = field.queryset.visible_to(user)
            if self.instance.pk is not None and name not in given and _is_relation(self.instance, name):
                self.initial[name] = _related(self.instance, name)

    def _post_clean(self) -> None:
        """The whole record is validated by the service, in the transaction that writes it."""

    def save(self, commit: bool = True):
        raise NotImplementedError("A service writes the record.")


class NamedChoiceField(forms.ModelChoiceField):
    """A choice among a few named rows (safeguard types), each shown in the page's language."""

    def label_from_instance(self, obj: models.Model) -> str:
        return obj.name


class NamedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several of a few named rows, each shown in the page's language."""

    def label_from_instance(self, obj: models.Model) -> str:
        return obj.name


def _is_relation(instance: models.Model, name: str) -> bool:
    try:
        return instance._meta.get_field(name).is_relation
    except FieldDoesNotExist:
        return False


def _related(instance: models.Model, name: str) -> object:
    value = getattr(instance, name)
    return list(value.all()) if isinstance(value, models.Manager) else value


def company_codes(**kwargs) -> RecordCodeField:
    return RecordCodeField(model=Company, many=True, example="kansai-td", **kwargs)


class CompanyGroupForm(RecordForm):
    """A corporate group."""

    class Meta:
        model = CompanyGroup
        fields = ["code", "name_ja", "name_en"]
        formfield_callback = record_formfield


class CompanyGroupEditForm(CompanyGroupForm):
    class Meta(CompanyGroupForm.Meta):
        fields = ["name_ja", "name_en", "position"]


class CompanyForm(RecordForm):
    """A company under supervision, or a contractor, with its group when it has one."""

    group = RecordCodeField(model=CompanyGroup, example="kansai", label=label(Company, "group"), required=False)

    class Meta:
        model = Company
        fields = ["code", "name_ja", "name_en", "kind", "group"]
        formfield_callback = record_formfield


class CompanyEditForm(CompanyForm):
    class Meta(CompanyForm.Meta):
        fields = ["name_ja", "name_en", "kind", "group", "position"]


class VersionForm(forms.Form):
    """A confirmation, at the version of the item the person saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ConfirmForm(forms.Form):
    """A confirmation: the button alone."""


def values(cleaned: dict, leave_out: Iterable[str] = ("version",)) -> dict:
    """The cleaned data as a service's keyword arguments."""
    return {name: value for name, value in cleaned.items() if name not in leave_out}
