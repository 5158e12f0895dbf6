"""Forms of the pages on which regulator staff open and keep a case, its content, law articles, companies and groups.

A form only reads what the person typed: the record's own fields as the model defines them (labels, choices,
limits), dates as Japanese users type them, related records by code. The service then validates the whole
record and writes it (`cases.editing`, `remediation.editing`, `compliance.services`); a form never saves.
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
from django.utils.translation import ngettext

from cases.choices import CaseStatus
from cases.editing import INCIDENT_FIELDS
from cases.models import Case, Finding, Incident, IncidentPair, LawArticle, RegulatoryAction, SafeguardType
from compliance import clock
from compliance.forms import JapaneseDateField, normalise
from compliance.list_filters import code_input
from compliance.models import Company, CompanyGroup
from compliance.tracking import DATE_FIELDS
from compliance.validators import CODE_VALIDATORS
from remediation.models import Implementation, Measure

if TYPE_CHECKING:
    from compliance.models import User

# Codes typed in one box: separated by spaces or commas, the Japanese comma too.
CODE_SEPARATORS = re.compile(r"[\s,、]+")
REOPEN_STATUSES = [(CaseStatus.OPEN, CaseStatus.OPEN.label), (CaseStatus.MONITORING, CaseStatus.MONITORING.label)]


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


class RecordForm(forms.ModelForm):
    """A record's fields, for a service to write: the form reads the input, the service validates and saves.

    `user` scopes the records that codes and menus may name. Given an `instance`, the form starts from its
    values, relations shown as codes.
    """

    def __init__(self, *args, user: User, **kwargs) -> None:
        given = kwargs.get("initial") or {}
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
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


def article_code(**kwargs) -> RecordCodeField:
    return RecordCodeField(model=LawArticle, example="appi-23", **kwargs)


# Cases ------------------------------------------------------------------------------------------------------


class CaseOpenForm(RecordForm):
    """A new case, open or already under monitoring."""

    status = forms.ChoiceField(label=label(Case, "status"), choices=REOPEN_STATUSES, initial=CaseStatus.OPEN)

    class Meta:
        model = Case
        fields = ["code", "title_ja", "title_en", "summary_ja", "summary_en", "status", "opened_on"]
        formfield_callback = record_formfield


class CaseEditForm(RecordForm):
    """A case's texts, opening day and publication of its status; open or monitoring while it is not closed."""

    status = forms.ChoiceField(label=label(Case, "status"), choices=REOPEN_STATUSES)

    class Meta:
        model = Case
        fields = [
            "title_ja",
            "title_en",
            "summary_ja",
            "summary_en",
            "status",
            "opened_on",
            "published",
            "status_public",
        ]
        formfield_callback = record_formfield

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.status == CaseStatus.CLOSED:
            del self.fields["status"]  # a closed case is reopened on its own page


class CaseCloseForm(forms.Form):
    """The day a case closes."""

    closed_on = JapaneseDateField(label=label(Case, "closed_on"), initial=clock.today)


class CaseReopenForm(forms.Form):
    """The status a closed case reopens with."""

    status = forms.ChoiceField(label=label(Case, "status"), choices=REOPEN_STATUSES, initial=CaseStatus.OPEN)


# Law articles, companies and groups -------------------------------------------------------------------------


class LawArticleForm(RecordForm):
    """An article (and paragraph) of any law."""

    class Meta:
        model = LawArticle
        fields = ["code", "law_ja", "law_en", "article", "paragraph", "title_ja", "title_en"]
        formfield_callback = record_formfield


class LawArticleEditForm(LawArticleForm):
    class Meta(LawArticleForm.Meta):
        fields = LawArticleForm.Meta.fields[1:]


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


# Regulatory actions and findings ----------------------------------------------------------------------------


class RegulatoryActionForm(RecordForm):
    """A dated action of the regulator, under law articles, addressed to companies."""

    articles = article_code(many=True, label=label(RegulatoryAction, "articles"), required=False)
    addressees = company_codes(label=label(RegulatoryAction, "addressees"), required=False)

    class Meta:
        model = RegulatoryAction
        fields = [
            "code", "kind", "date", "title_ja", "title_en", "source_ja", "source_en", "articles", "addressees",
        ]  # fmt: skip
        formfield_callback = record_formfield


class RegulatoryActionEditForm(RegulatoryActionForm):
    class Meta(RegulatoryActionForm.Meta):
        fields = RegulatoryActionForm.Meta.fields[1:]


class FindingForm(RecordForm):
    """A finding: its side, law article, safeguard types, the companies it concerns and its text."""

    article = article_code(label=label(Finding, "article"))
    safeguard_types = NamedMultipleChoiceField(
        label=label(Finding, "safeguard_types"),
        queryset=SafeguardType.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    affected_companies = company_codes(label=label(Finding, "affected_companies"))

    class Meta:
        model = Finding
        fields = ["code", "side", "article", "safeguard_types", "affected_companies", "text_ja", "text_en"]
        formfield_callback = record_formfield


class FindingEditForm(FindingForm):
    class Meta(FindingForm.Meta):
        fields = FindingForm.Meta.fields[1:]


# Measures and the companies implementing them ---------------------------------------------------------------


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
        fields = ["code", "safeguard_type", "kind", "text_ja", "text_en"]
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


class VersionForm(forms.Form):
    """A confirmation, at the version of the item the person saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ConfirmForm(forms.Form):
    """A confirmation: the button alone."""


# Incident pairs and incidents -------------------------------------------------------------------------------


class IncidentPairForm(RecordForm):
    """The companies of a group whose inspection found incidents, and the total the report gives."""

    group = RecordCodeField(model=CompanyGroup, example="kansai", label=label(IncidentPair, "group"))
    companies = company_codes(label=label(IncidentPair, "companies"))

    class Meta:
        model = IncidentPair
        fields = ["group", "companies", "incident_total"]
        formfield_callback = record_formfield


class IncidentForm(RecordForm):
    """What is known of an incident: described in the report (label, summary, who could view whose data…) or not."""

    viewer = RecordCodeField(model=Company, example="kansai-td", label=label(Incident, "viewer"), required=False)
    owner = RecordCodeField(model=Company, example="kansai-retail", label=label(Incident, "owner"), required=False)

    class Meta:
        model = Incident
        fields = [*INCIDENT_FIELDS, "status", *DATE_FIELDS]
        formfield_callback = record_formfield


class IncidentEditForm(IncidentForm):
    """A change to what is known of an incident, at the version the person saw (its dates: `ItemDatesForm`)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta(IncidentForm.Meta):
        fields = [*INCIDENT_FIELDS, "version"]


def values(cleaned: dict, leave_out: Iterable[str] = ("version",)) -> dict:
    """The cleaned data as a service's keyword arguments."""
    return {name: value for name, value in cleaned.items() if name not in leave_out}
