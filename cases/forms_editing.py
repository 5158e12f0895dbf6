"""Forms of the pages on which regulator staff open and keep a case, its content and law articles.

A form only reads what the person typed (`compliance.forms_editing`); the service (`cases.editing`) then
validates the whole record and writes it; a form never saves.
"""

from __future__ import annotations

from django import forms

from cases.choices import CaseStatus
from cases.editing import INCIDENT_FIELDS
from cases.models import Case, Finding, Incident, IncidentPair, LawArticle, RegulatoryAction, SafeguardType
from compliance import clock
from compliance.forms import JapaneseDateField
from compliance.forms_editing import (
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
