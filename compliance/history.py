"""Reads of the change history that django-pghistory's triggers record for every product model."""

from __future__ import annotations

from django.apps import apps
from django.db.models import QuerySet
from pghistory.models import Event, MiddlewareEvents

PRODUCT_APPS = ("compliance", "cases", "remediation")


def event_models() -> list[type[Event]]:
    """The event tables of every tracked model of the product."""
    return [model for model in apps.get_models() if issubclass(model, Event) and model._meta.app_label in PRODUCT_APPS]


def change_history() -> QuerySet[MiddlewareEvents]:
    """Every recorded change of every tracked record, newest first, with who made it and the diff."""
    return MiddlewareEvents.objects.across(*event_models()).order_by("-pgh_created_at", "-pgh_id")
