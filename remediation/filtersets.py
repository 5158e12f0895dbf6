"""Filters of the remediation pages: each list with a free-text search over its own and its item's text."""

import django_filters
from django.utils.translation import gettext_lazy as _

from cases.filtersets import visible_safeguard_types
from cases.models import Case
from compliance.choices import ItemStatus
from compliance.list_filters import (
    DatesFilter,
    FilterSet,
    SearchFilter,
    StatusFilter,
    code_input,
    company_filter,
    visible_companies,
)
from remediation.choices import DeadlineChangeState, MeasureKind, ReminderRule, ReviewState
from remediation.models import DeadlineChange, Implementation, ProgressUpdate, Reminder

__all__ = [
    "DeadlineChangeFilterSet",
    "ImplementationFilterSet",
    "OpenItemFilterSet",
    "ProgressUpdateFilterSet",
    "ReminderFilterSet",
    "ReviewQueueFilterSet",
    "visible_companies",
]

# What a private record is searched by: its company, and the item it is about.
ABOUT_ITEM_SEARCH = [
    "company__name_ja",
    "company__name_en",
    "implementation__measure__code",
    "implementation__measure__text_ja",
    "implementation__measure__text_en",
    "incident__label",
    "incident__summary_ja",
    "incident__pair__group__name_ja",
]


def visible_cases(request):
    """Cases the person may see."""
    return Case.objects.visible_to(getattr(request, "user", None))


class ProgressUpdateFilterSet(FilterSet):
    """Progress updates by words, company, status, review and submission date."""

    q = SearchFilter(fields=["narrative", "review__comment", *ABOUT_ITEM_SEARCH])
    company = company_filter(private=True)
    status = django_filters.ChoiceFilter(label=_("Reported status"), choices=ItemStatus.choices)
    review_state = django_filters.ChoiceFilter(label=_("Review"), choices=ReviewState.choices)
    submitted_from = django_filters.DateFilter(
        label=_("Submitted from"), field_name="submitted_at", lookup_expr="date__gte"
    )
    submitted_to = django_filters.DateFilter(
        label=_("Submitted to"), field_name="submitted_at", lookup_expr="date__lte"
    )

    class Meta:
        model = ProgressUpdate
        fields = ["q", "company", "status", "review_state", "submitted_from", "submitted_to"]


class ReviewQueueFilterSet(FilterSet):
    """The review queue by words, company and safeguard type."""

    q = SearchFilter(fields=["narrative", *ABOUT_ITEM_SEARCH])
    company = company_filter(private=True)
    safeguard_type = django_filters.ModelChoiceFilter(
        label=_("Safeguard type"),
        queryset=visible_safeguard_types,
        field_name="implementation__measure__safeguard_type",
        to_field_name="code",
    )

    class Meta:
        model = ProgressUpdate
        fields = ["q", "company", "safeguard_type"]


class DeadlineChangeFilterSet(FilterSet):
    """Deadline change requests by words, company, state and request date."""

    q = SearchFilter(fields=["reason", "decision_comment", *ABOUT_ITEM_SEARCH])
    company = company_filter(private=True)
    state = django_filters.ChoiceFilter(label=_("State"), choices=DeadlineChangeState.choices)
    requested_from = django_filters.DateFilter(
        label=_("Requested from"), field_name="requested_at", lookup_expr="date__gte"
    )
    requested_to = django_filters.DateFilter(
        label=_("Requested to"), field_name="requested_at", lookup_expr="date__lte"
    )

    class Meta:
        model = DeadlineChange
        fields = ["q", "company", "state", "requested_from", "requested_to"]


class ReminderFilterSet(FilterSet):
    """The reminder ledger by words, company, rule, whether sent, late, and planned date."""

    q = SearchFilter(fields=["period", *ABOUT_ITEM_SEARCH])
    company = company_filter(private=True)
    rule = django_filters.ChoiceFilter(label=_("Rule"), choices=ReminderRule.choices)
    sent = django_filters.BooleanFilter(label=_("Sent"), field_name="sent_at", lookup_expr="isnull", exclude=True)
    late = django_filters.BooleanFilter(label=_("Sent late"))
    planned_from = django_filters.DateFilter(label=_("Planned from"), field_name="planned_for", lookup_expr="gte")
    planned_to = django_filters.DateFilter(label=_("Planned to"), field_name="planned_for", lookup_expr="lte")

    class Meta:
        model = Reminder
        fields = ["q", "company", "rule", "sent", "late", "planned_from", "planned_to"]


class OpenItemFilterSet(FilterSet):
    """Implementations by words of the measure or company, company, safeguard type, kind, status and dates."""

    q = SearchFilter(
        fields=[
            "measure__code",
            "measure__text_ja",
            "measure__text_en",
            "measure__finding__code",
            "company__name_ja",
            "company__name_en",
        ]
    )
    company = company_filter()
    safeguard_type = django_filters.ModelChoiceFilter(
        label=_("Safeguard type"),
        queryset=visible_safeguard_types,
        field_name="measure__safeguard_type",
        to_field_name="code",
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of measure"), field_name="measure__kind", choices=MeasureKind.choices
    )
    status = StatusFilter()
    dates = DatesFilter()

    # Filters that only implementations have: with one of them set, no incident matches.
    IMPLEMENTATION_ONLY = ("safeguard_type", "kind")

    class Meta:
        model = Implementation
        fields = ["q", "company", "safeguard_type", "kind", "status", "dates"]

    def narrows_to_implementations(self) -> bool:
        """True when a filter that incidents lack is set (so the page shows no incident)."""
        return self.is_valid() and any(self.form.cleaned_data.get(name) for name in self.IMPLEMENTATION_ONLY)


class ImplementationFilterSet(OpenItemFilterSet):
    """Every case's implementations, by case as well."""

    case = django_filters.ModelChoiceFilter(
        label=_("Case"),
        queryset=visible_cases,
        field_name="measure__finding__case",
        to_field_name="code",
        widget=code_input("ppc-2024-utilities"),
    )

    class Meta(OpenItemFilterSet.Meta):
        fields = ["q", "case", "company", "safeguard_type", "kind", "status", "dates"]
