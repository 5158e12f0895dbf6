"""Reads of the compliance app: companies, people, and the access log, from what the person may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from cases.models import Finding
from compliance.aggregates import counted, counted_where_seen
from compliance.choices import ItemStatus
from compliance.models import AccessAnomaly, AccessLogEntry, Company
from remediation.models import Implementation

if TYPE_CHECKING:
    from compliance.models import User


def company_list(*, user: User) -> QuerySet[Company]:
    """Every company, with its group and how much of the published case concerns it."""
    return (
        Company.objects.visible_to(user)
        .select_related("group")
        .annotate(
            finding_count=counted(Finding.affected_companies.through.objects.all(), "company"),
            implementation_count=counted(Implementation.objects.all(), "company"),
            open_implementation_count=counted_where_seen(
                user, Implementation.objects.visible_to(user), "company", ~Q(status=ItemStatus.DONE), "status"
            ),
        )
    )


def companies(*, user: User) -> QuerySet[Company]:
    """Companies, for lookups by code."""
    return Company.objects.visible_to(user).select_related("group")


def access_log(*, user: User) -> QuerySet[AccessLogEntry]:
    """The access log, newest first: the regulator's alone."""
    return AccessLogEntry.objects.visible_to(user).order_by("-id")


def access_anomalies(*, user: User) -> QuerySet[AccessAnomaly]:
    """What the periodic analysis flagged, newest first."""
    return AccessAnomaly.objects.visible_to(user).select_related("user__company")
