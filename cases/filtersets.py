"""Filters of the case pages: cases, findings and incidents, each with a free-text search."""

import django_filters
from django.forms.models import ModelChoiceField, ModelChoiceIterator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cases.choices import CaseStatus, DataKind, Side
from cases.models import Case, Finding, Incident, LawArticle, SafeguardType
from compliance.list_filters import DatesFilter, FilterSet, SearchFilter, StatusFilter, company_filter


def visible_articles(request: HttpRequest | None):
    """Law references the person may see, with their laws, in each law's order."""
    return LawArticle.objects.visible_to(getattr(request, "user", None)).select_related("law")


class _GroupedByLaw(ModelChoiceIterator):
    """Law references under their law's name, one <optgroup> per law: 第23条 of two laws are not mixed."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for reference in self.queryset:
            groups.setdefault(str(reference.law.short_name), []).append(self.choice(reference))
        yield from groups.items()


class LawReferenceChoiceField(ModelChoiceField):
    """A law reference, chosen under its law."""

    iterator = _GroupedByLaw

    def label_from_instance(self, obj: LawArticle) -> str:
        return f"{obj.reference} {obj.title}".strip()


class LawReferenceFilter(django_filters.ModelChoiceFilter):
    field_class = LawReferenceChoiceField


def visible_safeguard_types(request: HttpRequest | None):
    """Safeguard types the person may see."""
    return SafeguardType.objects.visible_to(getattr(request, "user", None))


class CaseFilterSet(FilterSet):
    """Cases by words of their title or summary, and by status."""

    q = SearchFilter(fields=["code", "title_ja", "title_en", "summary_ja", "summary_en"])
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CaseStatus.choices)

    class Meta:
        model = Case
        fields = ["q", "status"]


class FindingFilterSet(FilterSet):
    """A case's findings by words of their text or their measures', side, article, safeguard type, company."""

    q = SearchFilter(
        fields=[
            "code",
            "text_ja",
            "text_en",
            "measures__code",
            "measures__text_ja",
            "measures__text_en",
            "affected_companies__name_ja",
            "affected_companies__name_en",
        ]
    )
    side = django_filters.ChoiceFilter(label=_("Side"), choices=Side.choices)
    article = LawReferenceFilter(
        label=_("Law reference"), queryset=visible_articles, field_name="articles", to_field_name="code", distinct=True
    )
    safeguard_type = django_filters.ModelChoiceFilter(
        label=_("Safeguard type"), queryset=visible_safeguard_types, field_name="safeguard_types", to_field_name="code"
    )
    company = company_filter(field_name="affected_companies")

    class Meta:
        model = Finding
        fields = ["q", "side", "article", "safeguard_type", "company"]


class IncidentFilterSet(FilterSet):
    """Incidents by words of their summary or fix, company of the pair, kind of data, status and dates."""

    q = SearchFilter(
        fields=[
            "label",
            "summary_ja",
            "summary_en",
            "fix_ja",
            "fix_en",
            "viewer__name_ja",
            "viewer__name_en",
            "owner__name_ja",
            "owner__name_en",
            "pair__group__name_ja",
            "pair__group__name_en",
        ]
    )
    company = company_filter(field_name="pair__companies")
    data_kind = django_filters.ChoiceFilter(label=_("Kind of data"), choices=DataKind.choices)
    status = StatusFilter()
    dates = DatesFilter()

    class Meta:
        model = Incident
        fields = ["q", "company", "data_kind", "status", "dates"]
