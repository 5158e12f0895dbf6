"""Reads of the compliance app: companies and groups."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from compliance.choices import ItemStatus
from compliance.models import Company


def company_list() -> QuerySet[Company]:
    """Every company, with its group and how much of the case concerns it."""
    return Company.objects.select_related("group").annotate(
        finding_count=Count("findings", distinct=True),
        implementation_count=Count("implementations", distinct=True),
        open_implementation_count=Count(
            "implementations", filter=~Q(implementations__status=ItemStatus.DONE), distinct=True
        ),
    )


def company_get(*, code: str) -> Company:
    """One company by its code, or 404."""
    return get_object_or_404(Company.objects.select_related("group"), code=code)
