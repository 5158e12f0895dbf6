"""Forms of the pages on which regulator staff open and keep a case, its content and law articles.

A form only reads what the person typed (`compliance.forms_editing`); the service (`cases.editing`) then
validates the whole record and writes it; a form never saves.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.choices import CaseStatus
from cases.editing import INCIDENT_FIELDS
from cases.law_references import IROHA
from cases.models import (
    Authority,
    Case,
    Finding,
    Incident,
    IncidentPair,
    Instrument,
    Law,
    LawArticle,
    RegulatoryAction,
    SafeguardType,
)
from compliance import clock
from compliance.forms import JapaneseDateField
from compliance.forms_editing import (
    NamedChoiceField,
    NamedMultipleChoiceField,
    RecordCodeField,
    RecordForm,
    company_codes,
    label,
    record_formfield,
)
from compliance.models import Company, CompanyGroup
from compliance.tracking import DATE_FIELDS

REOPEN_STATUSES = [(CaseStatus.OPEN, CaseStatus.OPEN.label), (CaseStatus.MONITORING, CaseStatus.MONITORING.label)]


class LawReferencesField(forms.CharField):
    """Law references typed one a line: 法第27条第1項 (the case's law), 電気事業法第2条の17第1項第2号イ, or a code.

    The service reads each line whole or refuses it with the form expected; the form keeps the lines as typed.
    """

    widget = forms.Textarea(attrs={"rows": 3, "placeholder": "法第23条\n電気事業法第2条の17第1項第2号イ"})

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault(
            "help_text",
            _("One a line: 法第27条第1項 for the case's law, 電気事業法第2条の17第1項第2号イ, or a reference's code."),
        )
        super().__init__(**kwargs)

    def to_python(self, value: object) -> list[str]:
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def prepare_value(self, value: object) -> object:
        if isinstance(value, list | tuple):
            return "\n".join(v.reference_ja if isinstance(v, LawArticle) else str(v) for v in value)
        return value


class _ByLaw(forms.models.ModelChoiceIterator):
    """The choices grouped under each law's short name (an <optgroup> each)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for obj in self.queryset.select_related("law"):
            groups.setdefault(str(obj.law.short_name), []).append(self.choice(obj))
        yield from groups.items()

    def __len__(self):
        return self.queryset.count() + (1 if self.field.empty_label is not None else 0)


class InstrumentChoiceField(forms.ModelChoiceField):
    """An instrument, chosen among each law's, grouped by law."""

    iterator = _ByLaw

    def label_from_instance(self, obj: Instrument) -> str:
        return obj.name


def authority_choice(model, name: str, **kwargs) -> NamedMultipleChoiceField:
    """Authorities, chosen by name in the page's language."""
    return NamedMultipleChoiceField(
        label=label(model, name),
        queryset=Authority.objects.all(),
        to_field_name="code",
        **{"required": False, **kwargs},
    )


class KeepsUnchosen:
    """A form whose relations left unchosen (`kept_when_empty`) are not sent to the service: it keeps the record's
    own, or gives a new one its default (the regulator's own authority, the case's first)."""

    kept_when_empty: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        for name in self.kept_when_empty:
            if name in cleaned and not cleaned[name]:
                del cleaned[name]
        return cleaned


# Cases ------------------------------------------------------------------------------------------------------


class CaseOpenForm(KeepsUnchosen, RecordForm):
    """A new case, open or already under monitoring, brought by one or more authorities."""

    status = forms.ChoiceField(label=label(Case, "status"), choices=REOPEN_STATUSES, initial=CaseStatus.OPEN)
    authorities = authority_choice(Case, "authorities", widget=forms.CheckboxSelectMultiple)
    kept_when_empty = ("authorities",)

    class Meta:
        model = Case
        fields = [
            "code", "authorities", "title_ja", "title_en", "summary_ja", "summary_en", "status", "opened_on", "law",
        ]  # fmt: skip
        formfield_callback = record_formfield

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("authorities", [Authority.own()])


class CaseEditForm(KeepsUnchosen, RecordForm):
    """A case's texts, opening day and publication of its status; open or monitoring while it is not closed."""

    status = forms.ChoiceField(label=label(Case, "status"), choices=REOPEN_STATUSES)
    authorities = authority_choice(Case, "authorities", widget=forms.CheckboxSelectMultiple)
    kept_when_empty = ("authorities",)

    class Meta:
        model = Case
        fields = [
            "authorities",
            "title_ja",
            "title_en",
            "summary_ja",
            "summary_en",
            "status",
            "opened_on",
            "published",
            "status_public",
            "law",
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


class LawArticleEditForm(RecordForm):
    """A reference to a provision of any law, by its parts: law, article (2の17), paragraph, item, sub-item."""

    law = forms.ModelChoiceField(label=label(LawArticle, "law"), queryset=Law.objects.all())
    article = forms.CharField(
        label=label(LawArticle, "article"),
        max_length=40,
        help_text=_("With its branch numbers: 2の17 for 第2条の17."),
    )
    sub_item = forms.ChoiceField(
        label=label(LawArticle, "sub_item"), required=False, choices=[("", "")] + [(k, k) for k in IROHA]
    )

    class Meta:
        model = LawArticle
        fields = ["law", "article", "paragraph", "item", "sub_item", "title_ja", "title_en"]
        formfield_callback = record_formfield

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["law"].label_from_instance = lambda law: law.short_name
        if self.instance.pk is not None:
            self.initial["article"] = self.instance.article_text
            self.initial["sub_item"] = self.instance.sub_item_kana


class LawArticleForm(LawArticleEditForm):
    """A new reference: by its parts, or typed whole (電気事業法第2条の17第1項第2号イ); its code made if not given."""

    text = forms.CharField(
        label=_("Reference as typed"),
        required=False,
        max_length=200,
        help_text=_("Instead of the parts below: 電気事業法第2条の17第1項第2号イ."),
    )

    class Meta(LawArticleEditForm.Meta):
        fields = ["code", "text", *LawArticleEditForm.Meta.fields]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Made from the reference when left empty.")
        for name in ("law", "article"):
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        if not data.get("text") and not (data.get("law") and data.get("article")):
            raise ValidationError(_("Type the reference, or give at least its law and article."))
        return data


# Regulatory actions and findings ----------------------------------------------------------------------------


class RegulatoryActionForm(KeepsUnchosen, RecordForm):
    """A dated action under an instrument of a law, issued by an authority, citing law references, addressed to
    companies and authorities."""

    instrument = InstrumentChoiceField(
        label=label(RegulatoryAction, "instrument"), queryset=Instrument.objects.all(), to_field_name="code"
    )
    issuer = NamedChoiceField(
        label=label(RegulatoryAction, "issuer"), queryset=Authority.objects.all(), to_field_name="code", required=False
    )
    kept_when_empty = ("issuer",)
    articles = LawReferencesField(label=label(RegulatoryAction, "articles"), required=False)
    addressees = company_codes(label=label(RegulatoryAction, "addressees"), required=False)
    addressee_authorities = authority_choice(
        RegulatoryAction, "addressee_authorities", widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = RegulatoryAction
        fields = [
            "code", "instrument", "date", "issuer", "title_ja", "title_en", "source_ja", "source_en", "articles",
            "addressees", "addressee_authorities",
        ]  # fmt: skip
        formfield_callback = record_formfield

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial.setdefault("issuer", Authority.own())


class RegulatoryActionEditForm(RegulatoryActionForm):
    class Meta(RegulatoryActionForm.Meta):
        fields = RegulatoryActionForm.Meta.fields[1:]


class FindingForm(RecordForm):
    """A finding: its side, law references, safeguard types, the companies it concerns and its text."""

    articles = LawReferencesField(label=label(Finding, "articles"))
    safeguard_types = NamedMultipleChoiceField(
        label=label(Finding, "safeguard_types"),
        queryset=SafeguardType.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Required for a finding under 個人情報保護法."),
    )
    affected_companies = company_codes(label=label(Finding, "affected_companies"))

    class Meta:
        model = Finding
        fields = ["code", "side", "articles", "safeguard_types", "affected_companies", "text_ja", "text_en"]
        formfield_callback = record_formfield


class FindingEditForm(FindingForm):
    class Meta(FindingForm.Meta):
        fields = FindingForm.Meta.fields[1:]


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
