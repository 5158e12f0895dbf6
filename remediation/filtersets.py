"""Filters of the remediation pages and endpoints."""

import django_filters
from django.utils.translation import gettext_lazy as _

from cases.models import SafeguardType
from compliance.access import is_regulator
from compliance.choices import ItemStatus
from compliance.models import Company
from remediation.models import ProgressUpdate


def visible_companies(request):
    """The companies a person may filter by: all for the regulator, their own otherwise."""
    user = getattr(request, "user", None)
    companies = Company.objects.visible_to(user)
    return companies if is_regulator(user) else companies.filter(pk=getattr(user, "company_id", None))


class ProgressUpdateFilterSet(django_filters.FilterSet):
    """Progress updates by company, status and submission date."""

    company = django_filters.ModelChoiceFilter(
        label=_("Company"), queryset=visible_companies, field_name="company", to_field_name="code"
    )
    status = django_filters.ChoiceFilter(label=_("Reported status"), choices=ItemStatus.choices)
    submitted_from = django_filters.DateFilter(
        label=_("Submitted from"), field_name="submitted_at", lookup_expr="date__gte"
    )
    submitted_to = django_filters.DateFilter(
        label=_("Submitted to"), field_name="submitted_at", lookup_expr="date__lte"
    )

    class Meta:
        model = ProgressUpdate
        fields = ["company", "status", "submitted_from", "submitted_to"]


class ReviewQueueFilterSet(django_filters.FilterSet):
    """The review queue by company and safeguard type."""

    company = django_filters.ModelChoiceFilter(
        label=_("Company"), queryset=visible_companies, field_name="company", to_field_name="code"
    )
    safeguard_type = django_filters.ModelChoiceFilter(
        label=_("Safeguard type"),
        queryset=SafeguardType.objects.all(),
        field_name="implementation__measure__safeguard_type",
        to_field_name="code",
    )

    class Meta:
        model = ProgressUpdate
        fields = ["company", "safeguard_type"]
