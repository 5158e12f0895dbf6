"""Filters of the companies page and of the regulator's pages over the access log and the change history."""

import django_filters
from django.utils.translation import gettext_lazy as _

from compliance.choices import CompanyKind
from compliance.list_filters import ControlsInWords, FilterSet, SearchFilter, code_input
from compliance.models import AccessAnomaly, AccessLogEntry, Company, CompanyGroup
from compliance.models.audit import AccessAction, AnomalyKind


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


class AccessLogFilterSet(ControlsInWords, django_filters.FilterSet):
    """The access log by words of its entries, person, action, record type, record and date."""

    q = SearchFilter(fields=["username", "object_type", "object_id", "path", "user_agent"])
    username = django_filters.CharFilter(label=_("Person"), lookup_expr="iexact")
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AccessAction.choices)
    object_type = django_filters.CharFilter(label=_("Record type"), lookup_expr="iexact")
    object_id = django_filters.CharFilter(label=_("Record"))
    date_from = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AccessLogEntry
        fields = ["q", "username", "action", "object_type", "object_id", "date_from", "date_to"]


class HistoryFilterSet(ControlsInWords, django_filters.FilterSet):
    """The change history by words of its events, record type, record, person and date."""

    q = SearchFilter(fields=["pgh_obj_model", "pgh_label", "url", "username"])
    pgh_obj_model = django_filters.CharFilter(label=_("Record type"), lookup_expr="iexact")
    pgh_obj_id = django_filters.NumberFilter(label=_("Record"), min_value=1, max_value=2**63 - 1)
    user = django_filters.NumberFilter(label=_("Person (id)"), field_name="user_id", min_value=1, max_value=2**63 - 1)
    date_from = django_filters.DateFilter(label=_("From"), field_name="pgh_created_at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="pgh_created_at", lookup_expr="date__lte")


class AnomalyFilterSet(ControlsInWords, django_filters.FilterSet):
    """The access-log analysis by words of the person's name or company, kind and day."""

    q = SearchFilter(fields=["user__username", "user__company__name_ja", "user__company__name_en"])
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=AnomalyKind.choices)
    day_from = django_filters.DateFilter(label=_("From"), field_name="day", lookup_expr="gte")

    class Meta:
        model = AccessAnomaly
        fields = ["q", "kind", "day_from"]
