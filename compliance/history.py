"""Reads of the change history that django-pghistory's triggers record for every product model."""

from __future__ import annotations

from django.apps import apps
from django.db.models import BigIntegerField, OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from pghistory.models import Event

from compliance.models import ChangeEvent, User
from compliance.models.history import install_change_feed

PRODUCT_APPS = ("compliance", "cases", "remediation")


def event_models() -> list[type[Event]]:
    """The event tables of every tracked model of the product."""
    return [model for model in apps.get_models() if issubclass(model, Event) and model._meta.app_label in PRODUCT_APPS]


def change_history() -> QuerySet[ChangeEvent]:
    """Every recorded change of every tracked record, newest first, with who made it, where, and the diff."""
    person = Cast(KeyTextTransform("user", "pgh_context__metadata"), BigIntegerField())
    return ChangeEvent.objects.annotate(
        user_id=person,
        username=Subquery(User.objects.filter(pk=OuterRef("user_id")).values("username")[:1]),
        url=KeyTextTransform("url", "pgh_context__metadata"),
    )


def install_change_feed_after_migrate(using: str, **kwargs: object) -> None:
    """After every migration: the change history's view over the event tables as they are now."""
    install_change_feed(event_models(), using)
