"""Forms of the pages on which regulator staff open and keep a case, its content and law articles.

A form only reads what the person typed (`compliance.forms_editing`); the service (`cases.editing`) then
validates the whole record and writes it; a form never saves.
"""

from __future__ import annotations

from django import forms

from cases.choices import CaseStatus
from cases.editing import INCIDENT_FIELDS
from cases.models import (
    Authority,
    Case,
    Finding,
    Incident,
    IncidentPair,
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


def article_code(**kwargs) -> RecordCodeField:
    return RecordCodeField(model=LawArticle, example="appi-23", **kwargs)


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
        fields = ["code", "authorities", "title_ja", "title_en", "summary_ja", "summary_en", "status", "opened_on"]
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


# Regulatory actions and findings ----------------------------------------------------------------------------


class RegulatoryActionForm(KeepsUnchosen, RecordForm):
    """A dated action of the regulator, under law articles, addressed to companies."""

    issuer = NamedChoiceField(
        label=label(RegulatoryAction, "issuer"), queryset=Authority.objects.all(), to_field_name="code", required=False
    )
    kept_when_empty = ("issuer",)
    articles = article_code(many=True, label=label(RegulatoryAction, "articles"), required=False)
    addressees = company_codes(label=label(RegulatoryAction, "addressees"), required=False)
    addressee_authorities = authority_choice(
        RegulatoryAction, "addressee_authorities", widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = RegulatoryAction
        fields = [
            "code", "kind", "date", "issuer", "title_ja", "title_en", "source_ja", "source_en", "articles",
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
