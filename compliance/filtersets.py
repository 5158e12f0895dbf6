"""Filters of the regulator's pages over the access log and the change history."""

import django_filters
from django.utils.translation import gettext_lazy as _

from compliance.models import AccessAnomaly, AccessLogEntry
from compliance.models.audit import AccessAction, AnomalyKind


class AccessLogFilterSet(django_filters.FilterSet):
    """The access log by person, action, record type, record and date."""

    username = django_filters.CharFilter(label=_("Person"), lookup_expr="iexact")
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AccessAction.choices)
    object_type = django_filters.CharFilter(label=_("Record type"), lookup_expr="iexact")
    object_id = django_filters.CharFilter(label=_("Record"))
    date_from = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AccessLogEntry
        fields = ["username", "action", "object_type", "object_id", "date_from", "date_to"]


class HistoryFilterSet(django_filters.FilterSet):
    """The change history by record type, record, person and date."""

    pgh_obj_model = django_filters.CharFilter(label=_("Record type"), lookup_expr="iexact")
    pgh_obj_id = django_filters.CharFilter(label=_("Record"))
    user = django_filters.NumberFilter(label=_("Person (id)"), field_name="user")
    date_from = django_filters.DateFilter(label=_("From"), field_name="pgh_created_at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="pgh_created_at", lookup_expr="date__lte")


class AnomalyFilterSet(django_filters.FilterSet):
    """The access-log analysis by kind and day."""

    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=AnomalyKind.choices)
    day_from = django_filters.DateFilter(label=_("From"), field_name="day", lookup_expr="gte")

    class Meta:
        model = AccessAnomaly
        fields = ["kind", "day_from"]
