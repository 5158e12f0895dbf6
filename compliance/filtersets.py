"""Filters of the companies page and of the regulator's pages over the access log and the change history."""

import django_filters
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from compliance.choices import CompanyKind
from compliance.list_filters import (
    ControlsInWords,
    FilterSet,
    MenuOrTypedChoice,
    MenuOrTypedField,
    SearchFilter,
    code_input,
    published_companies,
)
from compliance.models import AccessAnomaly, AccessLogEntry, Company, CompanyGroup
from compliance.models.audit import AccessAction, AnomalyKind
from compliance.record_names import kind_name, person_name


def tracked_models() -> list[type[Model]]:
    """The models whose changes the change history holds."""
    from compliance.history import event_models

    return [event.pgh_tracked_model for event in event_models()]


def visible_groups(request):
    """Company groups the person may see."""
    return CompanyGroup.objects.visible_to(getattr(request, "user", None))


class CompanyFilterSet(FilterSet):
    """Companies by words of their name, kind and group."""

    q = SearchFilter(fields=["code", "name_ja", "name_en", "group__name_ja", "group__name_en"])
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CompanyKind.choices)
    group = django_filters.ModelChoiceFilter(
        label=_("Group"),
        queryset=visible_groups,
        field_name="group",
        to_field_name="code",
        widget=code_input("kansai"),
    )

    class Meta:
        model = Company
        fields = ["q", "kind", "group"]


def _people(request: HttpRequest | None = None) -> QuerySet:
    return get_user_model().objects.visible_to(getattr(request, "user", None)).order_by("username")


class PersonField(MenuOrTypedField):
    def label_from_instance(self, obj) -> str:
        return person_name(obj)


class PersonChoice(MenuOrTypedChoice):
    """A person chosen by name (full name, else username) from a menu, or typed by username when there are many."""

    field_class = PersonField

    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=_people, typed_by=["username", "email"], example="officer-kansai-td", **kwargs)


def company_choice(**kwargs) -> django_filters.ModelChoiceFilter:
    """A company chosen by name from a menu, or typed by code or name when there are many."""
    return MenuOrTypedChoice(
        queryset=published_companies,
        typed_by=["code", "name_ja", "name_en"],
        example="kansai-td",
        **kwargs,
    )


def _record_kinds(models_: list[type[Model]], extra: tuple[tuple[str, str], ...] = ()) -> list[tuple[str, str]]:
    kinds = [(model._meta.label_lower, kind_name(model._meta.label_lower)) for model in models_]
    return sorted([*kinds, *extra], key=lambda pair: pair[1])


def private_kinds() -> list[tuple[str, str]]:
    """The kinds of record whose reads the access log holds, named in the person's language."""
    scoped = [m for m in apps.get_models() if getattr(m, "has_private_records", False)]
    return _record_kinds(scoped, (("history", kind_name("history")),))


def tracked_kinds() -> list[tuple[str, str]]:
    """The kinds of record the change history tracks, by their label as the history writes it."""
    return sorted(((m._meta.label, kind_name(m._meta.label)) for m in tracked_models()), key=lambda pair: pair[1])


def _cases(request: HttpRequest | None = None) -> QuerySet:
    # The cases live a layer above: named by the app registry, not imported.
    cases = apps.get_model("cases", "Case").objects.visible_to(getattr(request, "user", None))
    return cases.order_by("-opened_on", "code")


class AccessLogFilterSet(ControlsInWords, django_filters.FilterSet):
    """The access log by words of its entries, person, action, kind and company of the records read, and date."""

    q = SearchFilter(fields=["username", "object_type", "object_id", "path", "user_agent"])
    user = PersonChoice(label=_("Person"))
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AccessAction.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind of record read"), choices=private_kinds, method="filter_kind")
    company = company_choice(label=_("Company whose records were read"), method="filter_company")
    date_from = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AccessLogEntry
        fields = ["q", "user", "action", "kind", "company", "date_from", "date_to"]

    def filter_kind(self, queryset, name, value):
        # An entry written before entries listed their records names its one record in `object_type`.
        return queryset.filter(Q(records__contains=[{"type": value}]) | Q(records=[], object_type=value))

    def filter_company(self, queryset, name, value):
        return queryset.filter(
            Q(records__contains=[{"company": value.pk}]) | Q(records=[], action="read", object_company_id=value.pk)
        )


class HistoryFilterSet(ControlsInWords, django_filters.FilterSet):
    """The change history by words of its events, kind of record, person, company, case and date."""

    q = SearchFilter(fields=["pgh_obj_model", "pgh_label", "url", "username"])
    pgh_obj_model = django_filters.ChoiceFilter(label=_("Kind of record"), choices=tracked_kinds)
    pgh_obj_id = django_filters.NumberFilter(label=_("Record"), min_value=1, max_value=2**63 - 1)
    user = PersonChoice(label=_("Person"), method="filter_user")
    company = company_choice(label=_("Company"), method="filter_company")
    case = MenuOrTypedChoice(
        label=_("Case"),
        queryset=lambda request: _cases(request),
        method="filter_case",
        typed_by=["code"],
        example="ppc-2024-utilities",
    )
    date_from = django_filters.DateFilter(label=_("From"), field_name="pgh_created_at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="pgh_created_at", lookup_expr="date__lte")

    def filter_user(self, queryset, name, value):
        return queryset.filter(user_id=value.pk)

    def filter_company(self, queryset, name, value):
        """Changes of the company itself and of the records that belong to it."""
        itself = Q(pgh_obj_model=Company._meta.label, pgh_obj_id=value.pk)
        return queryset.filter(Q(current__company_id=value.pk) | itself)

    def filter_case(self, queryset, name, value):
        """Changes of the case itself and of the records that name it (its findings, actions, pairs, links)."""
        return queryset.filter(
            Q(current__case_id=value.pk)
            | Q(current__from_case_id=value.pk)
            | Q(current__to_case_id=value.pk)
            | Q(pgh_obj_model=value._meta.label, pgh_obj_id=value.pk)
        )


class AnomalyFilterSet(ControlsInWords, django_filters.FilterSet):
    """The access-log analysis by words of the person's name or company, kind and day."""

    q = SearchFilter(fields=["user__username", "user__company__name_ja", "user__company__name_en"])
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=AnomalyKind.choices)
    day_from = django_filters.DateFilter(label=_("From"), field_name="day", lookup_expr="gte")

    class Meta:
        model = AccessAnomaly
        fields = ["q", "kind", "day_from"]
