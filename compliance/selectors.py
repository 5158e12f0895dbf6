"""Reads of the compliance app: companies, people, and the access log, from what the person may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from compliance.models import AccessAnomaly, AccessLogEntry, Company

if TYPE_CHECKING:
    from compliance.models import User


def companies(*, user: User) -> QuerySet[Company]:
    """Companies, for lookups by code."""
    return Company.objects.visible_to(user).select_related("group")


def access_log(*, user: User) -> QuerySet[AccessLogEntry]:
    """The access log, newest first: the regulator's alone."""
    return AccessLogEntry.objects.visible_to(user).order_by("-id")


def access_anomalies(*, user: User) -> QuerySet[AccessAnomaly]:
    """What the periodic analysis flagged, newest first."""
    return AccessAnomaly.objects.visible_to(user).select_related("user__company")
